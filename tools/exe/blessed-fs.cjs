// Build-time shim, bundled into the single executable only: blessed's tput.js and bigtext.js
// read their terminfo, termcap and font files from blessed's own folder (`__dirname +
// '/../usr/...'`). The bundler rewrites those paths to '/<fleetdeck>/blessed/usr/...' and
// their `require('fs')` to this module, which serves such paths from the executable's
// embedded assets and hands every other call to the real fs (system terminfo included).
'use strict';
const fs = require('fs');
// the build defines this from src/platform/shipped.ts's EMBEDDED_ROOT
const ROOT = __FLEETDECK_EMBEDDED_ROOT__ + '/';

function key(p) {
  return typeof p === 'string' && p.startsWith(ROOT) ? p.slice(ROOT.length) : undefined;
}

function asset(k, p, syscall) {
  const sea = require('node:sea');
  try {
    return Buffer.from(sea.getAsset(k));
  } catch {
    const err = new Error(`ENOENT: no such file embedded in fleetdeck, ${syscall} '${p}'`);
    err.code = 'ENOENT';
    err.syscall = syscall;
    err.path = p;
    throw err;
  }
}

function fileStat(size) {
  const t = new Date(0);
  return {
    size, mode: 0o100444, atime: t, mtime: t, ctime: t, birthtime: t,
    isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false,
    isFIFO: () => false, isSocket: () => false, isCharacterDevice: () => false, isBlockDevice: () => false,
  };
}

const shim = Object.create(fs);
shim.readFileSync = function readFileSync(p, options) {
  const k = key(p);
  if (k === undefined) return fs.readFileSync.apply(fs, arguments);
  const buf = asset(k, p, 'open');
  const encoding = typeof options === 'string' ? options : options && options.encoding;
  return encoding ? buf.toString(encoding) : buf;
};
shim.existsSync = function existsSync(p) {
  const k = key(p);
  if (k === undefined) return fs.existsSync(p);
  try {
    asset(k, p, 'access');
    return true;
  } catch {
    return false;
  }
};
for (const name of ['statSync', 'lstatSync']) {
  shim[name] = function (p) {
    const k = key(p);
    if (k === undefined) return fs[name].apply(fs, arguments);
    return fileStat(asset(k, p, name === 'statSync' ? 'stat' : 'lstat').length);
  };
}
module.exports = shim;
