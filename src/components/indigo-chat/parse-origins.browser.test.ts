import { expect } from '@open-wc/testing';
import { parseOrigins } from './indigo-chat.js';

describe('media-origins parsing', () => {
  it('keeps exact origins, maps self to the page origin, drops anything else', () => {
    expect(parseOrigins('https://cdn.example.com, self  http://127.0.0.1:5173/')).to.deep.equal([
      'https://cdn.example.com',
      location.origin,
      'http://127.0.0.1:5173',
    ]);
    expect(parseOrigins('https://cdn.example.com/path javascript:alert(1) data:x ftp://x.example cdn.example.com')).to.deep.equal([]);
    expect(parseOrigins('')).to.deep.equal([]);
    expect(parseOrigins(null)).to.deep.equal([]);
  });
});
