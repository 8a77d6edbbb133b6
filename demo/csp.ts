export {};
// Counts CSP / Trusted Types violations so the end-to-end test can assert there are none.
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`);
});
(globalThis as { __cspViolations?: string[] }).__cspViolations = violations;
await import('../src/define.js');
