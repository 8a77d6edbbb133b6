import { describe, expect, it } from 'vitest';
import { blockStrings } from './strings.js';

describe('blockStrings', () => {
  it('resolves Italian with or without a region, anything else to English', () => {
    expect(blockStrings('it').position(2, 5)).toBe('Scheda 2 di 5');
    expect(blockStrings('it-IT').position(2, 5)).toBe('Scheda 2 di 5');
    expect(blockStrings('IT_ch').quickReplies).toBe('Risposte rapide');
    expect(blockStrings('en').position(2, 5)).toBe('Card 2 of 5');
    expect(blockStrings('de').position(2, 5)).toBe('Card 2 of 5');
    expect(blockStrings('').quickReplies).toBe('Quick replies');
    expect(blockStrings('__proto__').quickReplies).toBe('Quick replies');
    expect(blockStrings('constructor').quickReplies).toBe('Quick replies');
  });

  it('labels a card with its position and title', () => {
    expect(blockStrings('en').cardLabel(2, 5, 'Pizza')).toBe('Card 2 of 5: Pizza');
    expect(blockStrings('en').cardLabel(1, 1, '')).toBe('Card 1 of 1');
  });
});
