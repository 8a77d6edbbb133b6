export { chromeArgs, chromePath } from './chromium.js';
export type EngineName = 'chromium' | 'firefox' | 'webkit';
export declare const ENGINES: readonly EngineName[];
export declare function selectedEngines(value?: string): EngineName[];
export declare const firefoxPath: string;
export declare const webkitDriverPath: string;
export declare const miniBrowserPath: string;
export declare const xvfbPath: string;
export declare function freshProfile(engine: string): string;
export declare function puppeteerLaunchOptions(
  engine: 'chromium' | 'firefox',
  userDataDir?: string,
): import('puppeteer-core').LaunchOptions;
export declare function webkitCapabilities(): WebdriverIO.Capabilities;
export declare function freePort(): Promise<number>;
export declare function startXvfb(): Promise<{ display: string; stop(): Promise<void> }>;
export declare function startWebKitDriver(): Promise<{ port: number; display: string; stop(): Promise<void> }>;
export declare function removeProfile(dir: string): void;
