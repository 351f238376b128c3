/**
 * Ed25519 public keys that prove nothing. A point of small order (the identity, or one of the
 * other seven torsion points) verifies signatures nobody made: with the identity as the key,
 * R = identity and S = 0 pass the check `[S]B = R + [k]A` for every message, and Node's and the
 * browsers' Ed25519 accept them (RFC 8032 section 5.1.7 does not exclude these keys). RFC 8725
 * section 3.4 asks for cryptographic inputs to be validated, as off-curve EC points are.
 */

/**
 * The encodings of the small-order points' `y` coordinates, sign bit cleared: 0, 1, the two of
 * order 8, p - 1, and the non-canonical p and p + 1 (the list libsodium refuses as well).
 */
const SMALL_ORDER_Y: readonly (readonly number[])[] = [
  new Array<number>(32).fill(0),
  [1, ...new Array<number>(31).fill(0)],
  [
    0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5,
    0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
  ],
  [
    0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a,
    0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
  ],
  [0xec, ...new Array<number>(30).fill(0xff), 0x7f],
  [0xed, ...new Array<number>(30).fill(0xff), 0x7f],
  [0xee, ...new Array<number>(30).fill(0xff), 0x7f],
];

/** Whether the 32-byte Ed25519 public key `x` encodes a point of small order, whatever its sign bit. */
export function isSmallOrderEd25519(x: Uint8Array): boolean {
  if (x.length !== 32) return false;
  return SMALL_ORDER_Y.some((y) =>
    y.every((byte, index) => byte === (index === 31 ? x[index]! & 0x7f : x[index])),
  );
}
