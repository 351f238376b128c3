/** Builds compact JWS strings for unit tests; the signature is whatever bytes the test needs. */
export function encodeSegment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function compactJws(
  header: unknown,
  payload: unknown,
  signature: string = Buffer.from('signature').toString('base64url'),
): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.${signature}`;
}

/** Runs `action` and returns the TokenwardError code and message it throws or rejects with. */
export async function failureOf(action: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await action();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected a failure');
}
