/**
 * Hostile inputs for the bad-input fuzz (page-side): every kind of argument larder's public
 * methods take, and the values that are NOT valid for it. Each value is made fresh by a
 * function, since some (a detached array) are spent by one use.
 */

/** A labelled maker of one argument value. */
export type Value = readonly [label: string, make: () => unknown];

/** A Proxy whose every trap throws: `instanceof`, `typeof`-then-read, spread and clone all fail. */
export function hostileProxy(target: object): object {
  const boom = (): never => {
    throw new Error('hostile Proxy trap');
  };
  return new Proxy(target, {
    get: boom,
    has: boom,
    ownKeys: boom,
    getOwnPropertyDescriptor: boom,
    getPrototypeOf: boom,
  });
}

/** Properties larder might read from an argument: every one throws when read. */
const READ = [
  'length',
  '0',
  '1',
  '2',
  'seqno',
  'data',
  'decodeOp',
  'engine',
  'writeBehind',
  'maxDelayMs',
  'maxBytes',
  'flushOnHide',
  'startTimeoutMs',
  'expectStorageId',
  'acceptStorageLoss',
  'order',
  'byteLength',
  'buffer',
  'then',
];

/** A plain object whose getters throw. */
export function throwingGetters(): object {
  const o = {};
  for (const key of READ) {
    Object.defineProperty(o, key, {
      enumerable: true,
      get() {
        throw new Error(`hostile getter "${key}"`);
      },
    });
  }
  return o;
}

/** A Uint8Array whose buffer was transferred away. */
export function detached(): Uint8Array {
  const b = new Uint8Array([1, 2, 3]);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

/** An array whose element `i` throws when read. */
export function throwingElement(valid: unknown, i = 0): unknown[] {
  const a = [valid, valid];
  Object.defineProperty(a, i, {
    get() {
      throw new Error(`hostile element ${i}`);
    },
  });
  return a;
}

/** `n` copies of `valid`, then `bad`: validation must look at every element before writing any. */
export function hugeWithBadLast(valid: unknown, bad: unknown, n = 200_000): unknown[] {
  const a = new Array<unknown>(n).fill(valid);
  a[n - 1] = bad;
  return a;
}

/** Every hostile value, by label. */
export const VALUES: readonly Value[] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['0', () => 0],
  ['-1', () => -1],
  ['1.5', () => 1.5],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['2 ** 53', () => 2 ** 53],
  ["'1'", () => '1'],
  ["''", () => ''],
  ['true', () => true],
  ['1n', () => 1n],
  ['-1n', () => -1n],
  ['2n ** 63n', () => 2n ** 63n],
  ['a Symbol', () => Symbol('hostile')],
  ['a function', () => () => 1],
  ['{}', () => ({})],
  ['a null-prototype object', () => Object.create(null) as object],
  ['new Number(1)', () => new Number(1)],
  ["new String('a')", () => new String('a')],
  ['[]', () => []],
  ['a sparse array', () => new Array(3)],
  ['a Proxy with throwing traps', () => hostileProxy({})],
  ['an object with throwing getters', throwingGetters],
  ['an empty Uint8Array', () => new Uint8Array(0)],
  ['a Uint8Array', () => new Uint8Array([1, 2, 3])],
  ['a detached Uint8Array', detached],
  ['a Proxy of a Uint8Array', () => new Proxy(new Uint8Array([1, 2, 3]), {})],
  ['a Uint8Array Proxy with throwing traps', () => hostileProxy(new Uint8Array([1, 2, 3]))],
  ['an ArrayBuffer', () => new ArrayBuffer(3)],
  ['a DataView', () => new DataView(new ArrayBuffer(3))],
  ['an Int8Array', () => new Int8Array(3)],
  ['a Uint8ClampedArray', () => new Uint8ClampedArray(3)],
];

/** Every value except those labelled `valid`. */
export function except(...valid: string[]): Value[] {
  for (const v of valid) if (!VALUES.some(([label]) => label === v)) throw new Error(`no value "${v}"`);
  return VALUES.filter(([label]) => !valid.includes(label));
}

/** Bad values for a list of `valid` elements, where `badElements` are bad single elements. */
export function badLists(valid: unknown, badElements: readonly Value[]): Value[] {
  return [
    ...except('[]'),
    ['an array-like object', () => ({ length: 1, 0: valid })],
    ['an array whose element getter throws', () => throwingElement(valid)],
    ['a Proxy of an array, with throwing traps', () => hostileProxy([valid])],
    ['a huge array with a bad last element', () => hugeWithBadLast(valid, null)],
    ...badElements.map(([label, make]): Value => [`[${label}]`, () => [valid, make()]]),
  ];
}

/** The kinds of argument, each with the values that are bad for it. */
export const BAD = {
  /** Any string is valid. */
  string: except("'1'", "''"),
  nonEmptyString: except("'1'"),
  /** A `crypto.randomUUID()`: no value of the list is one. */
  uuid: except(),
  bytes: except('an empty Uint8Array', 'a Uint8Array'),
  nonEmptyBytes: except('a Uint8Array'),
  /** A non-negative safe integer. */
  index: except('0'),
  /** A bigint in 0n ..= 2n ** 63n - 1n. */
  u63: except('1n'),
  /** Any finite number (microseconds). */
  time: except('0', '-1', '1.5', '2 ** 53'),
  /** A non-negative number. */
  limitBytes: except('0', '1.5', '2 ** 53', 'Infinity'),
  /** A u32 location. */
  loc: except('0'),
  /** A valid IndexedDB key: numbers, strings, binary, arrays of keys. */
  key: except(
    '0',
    '-1',
    '1.5',
    'Infinity',
    '2 ** 53',
    "'1'",
    "''",
    '[]',
    'an empty Uint8Array',
    'a Uint8Array',
    'an ArrayBuffer',
    'a DataView',
    'an Int8Array',
    'a Uint8ClampedArray',
  ),
  /** A structured-cloneable value: only these are not. */
  value: VALUES.filter(([label]) =>
    [
      'a Symbol',
      'a function',
      'a Proxy with throwing traps',
      'an object with throwing getters',
      'a detached Uint8Array',
      'a Proxy of a Uint8Array',
      'a Uint8Array Proxy with throwing traps',
    ].includes(label),
  ),
  /** A function. */
  listener: except('a function'),
  /** A DHT arc: null, or [start, end] of u32 integers. */
  arc: [
    ...except('null'),
    ['[1]', () => [1]],
    ['[1, 2, 3]', () => [1, 2, 3]],
    ['[-1, 5]', () => [-1, 5]],
    ['[0, 2 ** 32]', () => [0, 2 ** 32]],
    ['[1.5, 2]', () => [1.5, 2]],
    ["['1', 2]", () => ['1', 2]],
    ['[NaN, 1]', () => [NaN, 1]],
    ['[1, Object.create(null)]', () => [1, Object.create(null) as object]],
    ['a sparse pair', () => new Array(2)],
    ['a pair whose element getter throws', () => throwingElement(1)],
    ['a Proxy of a pair, with throwing traps', () => hostileProxy([1, 2])],
  ] as Value[],
} as const;

/** Bad key paths of a KeySpace; `allowEmpty` for prefixes, where `[]` means everything. */
export function badKeyPaths(allowEmpty: boolean): Value[] {
  return [
    ...(allowEmpty ? except('[]') : except()),
    ['[1]', () => [1]],
    ['[null]', () => [null]],
    ["['a', Symbol]", () => ['a', Symbol('x')]],
    ["['a', new String('b')]", () => ['a', new String('b')]],
    ['a path whose element getter throws', () => throwingElement('a')],
    ['a Proxy of a path, with throwing traps', () => hostileProxy(['a'])],
    ['a huge path with a bad last element', () => hugeWithBadLast('a', 1)],
  ];
}
