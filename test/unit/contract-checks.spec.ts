import { expect, test } from '@playwright/test';
import { StoreError } from '../../src/store-error.js';
import { check, checkEqual, checkRejects, show } from '../../src/testing/check.js';
import { ContractFailure } from '../../src/testing/contract-failure.js';

// The checks of larder-kit/testing decide whether a user's engine setup passes: each must fail
// on what differs, not only pass on what matches.

test('checkEqual compares bigints, bytes, arrays and objects by value', () => {
  expect(() => checkEqual(5n, 5n, 'bigint')).not.toThrow();
  expect(() => checkEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]), 'bytes')).not.toThrow();
  expect(() =>
    checkEqual([{ a: 1n, b: [new Uint8Array([3])] }], [{ a: 1n, b: [new Uint8Array([3])] }], 'nested'),
  ).not.toThrow();
  // Like toEqual: a member that is undefined counts as absent.
  expect(() => checkEqual({ a: 1, b: undefined }, { a: 1 }, 'undefined member')).not.toThrow();
  // A view compares by its own bytes, not its parent buffer's.
  const parent = new Uint8Array([9, 1, 2, 9]);
  expect(() => checkEqual(parent.subarray(1, 3), new Uint8Array([1, 2]), 'view')).not.toThrow();
});

test('checkEqual fails on every kind of difference, naming what and showing both values', () => {
  const differ: Array<[unknown, unknown]> = [
    [5n, 5],
    [1, 2],
    [new Uint8Array([1, 2]), new Uint8Array([1, 3])],
    [new Uint8Array([1, 2]), [1, 2]],
    [new Uint8Array([1]), new Uint16Array([1])],
    [
      [1, 2],
      [1, 2, 3],
    ],
    [{ a: 1 }, { a: 1, b: 2 }],
    [undefined, null],
    [{ a: [1n] }, { a: [2n] }],
    ['1', 1],
  ];
  for (const [actual, expected] of differ) {
    expect(() => checkEqual(actual, expected, 'the thing'), `${show(actual)} vs ${show(expected)}`).toThrow(
      ContractFailure,
    );
  }
  expect(() => checkEqual([1n], [new Uint8Array([7])], 'the thing')).toThrow(
    'the thing: expected ["bytes[7]"], got ["1n"]',
  );
});

test('check fails on false with its message', () => {
  expect(() => check(true, 'fine')).not.toThrow();
  expect(() => check(false, 'the store was empty')).toThrow('the store was empty');
});

test('checkRejects passes only on a rejection with the StoreError code asked for', async () => {
  const rejection = new StoreError('invalid-argument', 'bad');
  await expect(checkRejects(() => Promise.reject(rejection), 'invalid-argument', 'bad call')).resolves.toBe(
    rejection,
  );
  await expect(
    checkRejects(() => Promise.reject(new StoreError('closed', 'x')), 'invalid-argument', 'c'),
  ).rejects.toThrow("c: expected a StoreError 'invalid-argument', got StoreError 'closed' (x)");
  await expect(checkRejects(() => Promise.resolve(1), 'closed', 'd')).rejects.toThrow('but it resolved');
  await expect(checkRejects(() => Promise.reject(new TypeError('t')), 'closed', 'e')).rejects.toThrow(
    'got TypeError: t',
  );
  // larder's methods return a Promise even for bad input: a synchronous throw fails the check.
  await expect(
    checkRejects(
      () => {
        throw rejection;
      },
      'invalid-argument',
      'f',
    ),
  ).rejects.toThrow('threw synchronously');
});
