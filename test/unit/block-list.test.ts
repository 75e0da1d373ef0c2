// The sorted rows' container: after any sequence of inserts and removals (blocks splitting,
// merging, emptying) it reads as the plain array the same operations make.
import { describe, expect, it } from 'vitest';
import { BlockList } from '../../src/model/block-list.js';
import { mulberry32 } from '../../src/model/prng.js';

interface Item {
  v: number;
  id: number;
}

function same(list: BlockList<Item, string>, model: Item[]): void {
  expect(list.length).toBe(model.length);
  expect(list.slice()).toEqual(model);
  const aux: (string | undefined)[] = [];
  const starts: number[] = [];
  list.forEachBlock((items, texts, start) => {
    expect(items.length).toBeGreaterThan(0);
    expect(texts.length).toBe(items.length);
    starts.push(start);
    aux.push(...texts);
  });
  // every item keeps its own aux value next to it
  expect(aux).toEqual(model.map((x) => `t${x.id}`));
  for (let i = 0; i < model.length; i += 7) {
    expect(list.at(i)).toBe(model[i]);
    expect(list.auxAt(i)).toBe(`t${model[i].id}`);
  }
  expect(list.at(model.length)).toBeUndefined();
  expect(list.at(-1)).toBeUndefined();
}

describe('BlockList', () => {
  it('sorted inserts, removals and replacements (ties among equal values) read as a sorted array, at every block size', () => {
    for (const size of [1, 2, 4, 16]) {
      const rand = mulberry32(size);
      const model: Item[] = [];
      const cmp = (a: Item, b: Item): number => a.v - b.v;
      const list = new BlockList<Item, string>([], undefined, size);
      let id = 0;
      for (let step = 0; step < 3000; step++) {
        if (model.length && rand() < 0.15) {
          // a new item tied with an old one takes its place
          const x = model[Math.floor(rand() * model.length)];
          const y = { v: x.v, id: id++ };
          expect(list.replaceSorted(x, y, (z) => cmp(z, x), `t${y.id}`)).toBe(true);
          model[model.indexOf(x)] = y;
          expect(list.replaceSorted(x, y, (z) => cmp(z, x))).toBe(false);
        } else if (model.length && rand() < 0.45) {
          const x = model[Math.floor(rand() * model.length)];
          expect(list.removeSorted(x, (y) => cmp(y, x))).toBe(true);
          model.splice(model.indexOf(x), 1);
          // gone: not found again
          expect(list.removeSorted(x, (y) => cmp(y, x))).toBe(false);
        } else {
          // few distinct values: long runs of ties, across block borders
          const x = { v: Math.floor(rand() * 20), id: id++ };
          list.insertSorted(x, (y) => cmp(y, x), `t${x.id}`);
          let i = model.findIndex((y) => cmp(y, x) > 0);
          if (i < 0) i = model.length;
          model.splice(i, 0, x);
        }
        if (step % 97 === 0) same(list, model);
      }
      same(list, model);
      for (const v of [-1, 0, 7, 19, 20]) {
        const at = model.findIndex((y) => y.v >= v);
        expect(list.lowerBound((y) => y.v < v)).toBe(at < 0 ? model.length : at);
      }
      for (const x of model.slice(0, 50)) expect(list.indexOf(x)).toBe(model.indexOf(x));
      expect(list.indexOf({ v: 0, id: -1 })).toBe(-1);
    }
  });

  it('inserts and removals by index, built whole and by appending', () => {
    const rand = mulberry32(3);
    const model: Item[] = Array.from({ length: 50 }, (_, id) => ({ v: id, id }));
    const list = new BlockList<Item, string>(model, model.map((x) => `t${x.id}`), 4);
    same(list, model);
    let id = 50;
    for (let step = 0; step < 1000; step++) {
      if (model.length && rand() < 0.5) {
        const i = Math.floor(rand() * model.length);
        expect(list.removeAt(i)).toBe(model[i]);
        model.splice(i, 1);
      } else {
        const i = Math.floor(rand() * (model.length + 1));
        const x = { v: 0, id: id++ };
        list.insert(i, x, `t${x.id}`);
        model.splice(i, 0, x);
      }
      if (step % 50 === 0) same(list, model);
    }
    same(list, model);
    expect(list.slice(3, 9)).toEqual(model.slice(3, 9));
    expect(list.slice(-4)).toEqual(model.slice(-4));
    expect(() => list.removeAt(model.length)).toThrow(RangeError);
    const built = BlockList.build<Item, string>((push) => {
      for (const x of model) push(x, `t${x.id}`);
    }, 3);
    same(built, model);
  });
});
