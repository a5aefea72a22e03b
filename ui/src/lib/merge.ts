// Three-way merge of a record an editor holds, for taking in the merged record a save
// (or another device) produced while the person kept editing. `base` is what the editor
// last sent or took in, `local` what it holds now, `theirs` the record as now stored
// (which already contains `base`'s edit). What changed here since `base` is kept and
// carried onto `theirs`; everything else takes `theirs`. Text is rebased as one replaced
// region; lists of objects with an `id` merge item by item. Pure, no DOM.

import { rebase } from './rebase';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function same(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

type Item = Record<string, Json> & { id: string };

function isItemList(v: Json): v is Item[] {
  return Array.isArray(v) && v.every((x) => isObject(x) && typeof x.id === 'string');
}

function mergeItems(base: Item[], local: Item[], theirs: Item[]): Item[] {
  const b = new Map(base.map((x) => [x.id, x]));
  const l = new Map(local.map((x) => [x.id, x]));
  const t = new Map(theirs.map((x) => [x.id, x]));
  // Whose order to follow: ours if only we reordered, theirs otherwise.
  const ids = (xs: Item[]) => xs.filter((x) => b.has(x.id)).map((x) => x.id);
  const theyReordered = !same(ids(theirs), ids(base).filter((id) => t.has(id)));
  const out: Item[] = [];
  const put = (id: string) => {
    const mine = l.get(id);
    const there = t.get(id);
    const was = b.get(id);
    if (mine && there) out.push(merge3(was, mine, there) as Item);
    else if (there && !was) out.push(there); // added there
    else if (mine && !was) out.push(mine); // added here
    else if (mine && was && !same(was, mine)) out.push(mine); // deleted there, changed here
    else if (there && was && !same(was, there)) out.push(there); // deleted here, changed there
  };
  const order = theyReordered ? [...theirs, ...local] : [...local, ...theirs];
  const seen = new Set<string>();
  for (const x of order) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    put(x.id);
  }
  return out;
}

/** `local` with what changed there since `base` taken in from `theirs`. */
export function merge3<T>(base: T | undefined, local: T, theirs: T): T {
  if (same(local, base)) return theirs;
  if (same(theirs, base) || same(theirs, local)) return local;
  if (typeof base === 'string' && typeof local === 'string' && typeof theirs === 'string') {
    return rebase(base, local, theirs) as T;
  }
  if (isItemList(local) && isItemList(theirs) && (base === undefined || isItemList(base))) {
    return mergeItems((base as Item[] | undefined) ?? [], local, theirs) as T;
  }
  if (isObject(local) && isObject(theirs) && (base === undefined || isObject(base))) {
    const b = (base ?? {}) as Record<string, Json>;
    const out: Record<string, Json> = {};
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(local)])) {
      const v = merge3(b[k], local[k], theirs[k]);
      if (v !== undefined) out[k] = v;
    }
    return out as T;
  }
  // Both changed a plain value (a number, a date, a list of names): ours is the later word.
  return local;
}
