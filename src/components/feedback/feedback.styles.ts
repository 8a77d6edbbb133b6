import { css } from 'lit';

/** Thumbs, reasons and CSAT: quiet until used, the accent colour when pressed. */
export const feedbackStyles = css`
  .feedback {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px;
    margin-top: 4px;
  }
  .thumbs {
    display: flex;
    gap: 2px;
  }
  .thumb {
    display: inline-grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 6px;
    background: transparent;
    color: inherit;
    opacity: 0.6;
    cursor: pointer;
  }
  .thumb svg {
    inline-size: 16.8px;
    block-size: 16.8px;
  }
  .thumb svg.flip {
    transform: rotate(180deg);
  }
  .thumb:hover,
  .thumb:focus-visible {
    opacity: 1;
  }
  .thumb[aria-pressed='true'] {
    opacity: 1;
    color: var(--indigo-chat-accent, #3a2ecc);
  }
  .thumb[aria-disabled='true'] {
    opacity: 0.3;
    cursor: not-allowed;
  }
  .feedback button:focus-visible,
  .csat button:focus-visible,
  .feedback textarea:focus-visible,
  .csat textarea:focus-visible {
    outline: 2px solid var(--indigo-chat-accent, #3a2ecc);
    outline-offset: 1px;
  }
  .feedback-status {
    font-size: 12px;
  }
  .feedback-details,
  .csat {
    display: grid;
    gap: 6px;
    inline-size: 100%;
    margin: 4px 0 0;
  }
  .csat {
    padding: 10px 12px;
    border-top: 1px solid #0002;
    background: var(--indigo-chat-surface, #fff);
  }
  .legend {
    margin: 0;
    font-size: 13px;
  }
  .reasons,
  .scores,
  .csat-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  [part~='feedback-reason'],
  [part~='csat-score'],
  .feedback-submit,
  .csat-later {
    font: inherit;
    font-size: 13px;
    padding: 4px 10px;
    border-radius: 999px;
    cursor: pointer;
    border: 1px solid #0004;
    background: transparent;
    color: inherit;
  }
  [part~='csat-score'] {
    min-inline-size: 36px;
  }
  [part~='feedback-reason'][aria-pressed='true'],
  [part~='csat-score'][aria-pressed='true'],
  .feedback-submit:not(:disabled) {
    background: var(--indigo-chat-accent, #3a2ecc);
    border-color: var(--indigo-chat-accent, #3a2ecc);
    color: #fff;
  }
  /* Forced colors drop the accent fill: a choice is filled with the system's selection
     colours (a shape, not only a tint, beside the outlined others); a locked thumb is
     greyed the way disabled controls are. */
  @media (forced-colors: active) {
    .thumb[aria-pressed='true'],
    [part~='feedback-reason'][aria-pressed='true'],
    [part~='csat-score'][aria-pressed='true'] {
      background: Highlight;
      border-color: Highlight;
      color: HighlightText;
    }
    .thumb[aria-disabled='true'] {
      color: GrayText;
    }
  }
  .feedback-submit:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  [part~='feedback-comment'] {
    font: inherit;
    font-size: 13px;
    resize: vertical;
    padding: 6px;
    border-radius: 6px;
    border: 1px solid #0005;
    background: transparent;
    color: inherit;
  }
`;
