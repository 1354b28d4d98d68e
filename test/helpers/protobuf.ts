// A minimal protobuf writer, enough to build the bodies kubectl sends (Kubernetes' `k8s\0` envelope).
export const varint = (n: number | bigint): number[] => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
export const bytesField = (n: number, data: number[] | Uint8Array) => [...varint((n << 3) | 2), ...varint(data.length), ...data];
export const str = (n: number, s: string) => bytesField(n, [...new TextEncoder().encode(s)]);
export const msg = (n: number, ...parts: number[][]) => bytesField(n, parts.flat());
export const int = (n: number, v: number | bigint) => [...varint(n << 3), ...varint(v)];

export function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, apiVersion), str(2, kind)), ...bytesField(2, raw)]);
}
