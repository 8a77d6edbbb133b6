import { setViewport } from '@web/test-runner-commands';

/** setViewport where the engine's driver can (Chromium, Firefox); false elsewhere (WebKit's WebDriver). */
export async function resize(width: number, height: number): Promise<boolean> {
  try {
    await setViewport({ width, height });
    return true;
  } catch {
    return false;
  }
}
