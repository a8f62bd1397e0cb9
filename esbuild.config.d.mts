export declare const EXTERNAL: Record<string, string>;
export declare function functionNames(): string[];
export declare function buildFunction(name: string, options?: { outRoot?: string }): Promise<{ name: string; outdir: string; bytes: number }>;
export declare function buildAll(): Promise<{ name: string; outdir: string; bytes: number }[]>;
