export declare const EXTERNAL: Record<string, string>;
export declare function functionNames(): string[];
export interface BuildOptions {
  outRoot?: string;
  codeCache?: boolean;
}
export declare function buildFunction(name: string, options?: BuildOptions): Promise<{ name: string; outdir: string; bytes: number }>;
export declare function buildAll(options?: BuildOptions): Promise<{ name: string; outdir: string; bytes: number }[]>;
