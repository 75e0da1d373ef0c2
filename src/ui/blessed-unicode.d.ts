// blessed's internal unicode module, patched by src/ui/unicode.ts; @types/blessed has no entry for it.
declare module 'blessed/lib/unicode.js' {
  const unicode: unknown;
  export default unicode;
}
