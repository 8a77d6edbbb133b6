import { describe, expect, it } from 'vitest';
import { blockStrings } from './strings.js';
import { carouselStrings } from './carousel-strings.js';
import { videoStrings } from './video-strings.js';

describe('blockStrings', () => {
  it('resolves Italian with or without a region, anything else to English', () => {
    expect(carouselStrings('it').position(2, 5)).toBe('Scheda 2 di 5');
    expect(carouselStrings('it-IT').position(2, 5)).toBe('Scheda 2 di 5');
    expect(blockStrings('IT_ch').quickReplies).toBe('Risposte rapide');
    expect(carouselStrings('en').position(2, 5)).toBe('Card 2 of 5');
    expect(carouselStrings('de').position(2, 5)).toBe('Card 2 of 5');
    expect(blockStrings('').quickReplies).toBe('Quick replies');
    expect(blockStrings('__proto__').quickReplies).toBe('Quick replies');
    expect(blockStrings('constructor').quickReplies).toBe('Quick replies');
    expect(carouselStrings('constructor').carousel).toBe('Cards');
    expect(videoStrings('IT').openOn('YouTube')).toBe('Apri su YouTube');
    expect(videoStrings('xx').openOn('YouTube')).toBe('Open on YouTube');
  });

  it('labels a card with its position and title', () => {
    expect(carouselStrings('en').cardLabel(2, 5, 'Pizza')).toBe('Card 2 of 5: Pizza');
    expect(carouselStrings('en').cardLabel(1, 1, '')).toBe('Card 1 of 1');
  });
});
