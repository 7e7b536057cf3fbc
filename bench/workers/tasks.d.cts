export declare const ID: number;
export declare function noop(): number;
export declare function payload(buf: ArrayBuffer | ArrayBufferView): number;
export declare function spin(iterations: number): number;
