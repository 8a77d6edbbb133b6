import { css } from 'lit';

export const consoleStyles = css`
  :host {
    display: block;
    color: #1d2230;
    font:
      15px/1.45 system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  [role='tablist'] {
    display: flex;
    gap: 0.25rem;
    border-bottom: 2px solid #d5d8e2;
    margin-bottom: 1rem;
  }
  [role='tab'] {
    font: inherit;
    padding: 0.5rem 1rem;
    border: 0;
    border-bottom: 3px solid transparent;
    background: none;
    color: #1d2230;
    cursor: pointer;
    margin-bottom: -2px;
  }
  [role='tab'][aria-selected='true'] {
    border-bottom-color: #3a2ecc;
    color: #3a2ecc;
    font-weight: 600;
  }
  button,
  a.button,
  input,
  select {
    font: inherit;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  summary:focus-visible,
  [role='tab']:focus-visible {
    outline: 2px solid #3a2ecc;
    outline-offset: 2px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.75rem;
    margin-bottom: 1rem;
  }
  .toolbar label {
    display: grid;
    gap: 0.2rem;
    font-size: 0.85rem;
  }
  .toolbar input {
    padding: 0.35rem;
    border: 1px solid #8a8fa3;
    border-radius: 6px;
  }
  .btn,
  a.button {
    display: inline-block;
    padding: 0.4rem 0.8rem;
    border-radius: 6px;
    border: 1px solid #3a2ecc;
    background: #3a2ecc;
    color: #fff;
    text-decoration: none;
    cursor: pointer;
    font-size: 0.9rem;
  }
  .btn.secondary,
  a.button.secondary {
    background: #fff;
    color: #3a2ecc;
  }
  .btn:disabled,
  .btn[aria-disabled='true'] {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr));
    gap: 1rem;
  }
  .box,
  .chart {
    background: #fff;
    border-radius: 10px;
    padding: 0.9rem 1rem;
    box-shadow: 0 1px 4px #0001;
    margin: 0;
  }
  .chart h3,
  .box h3 {
    margin: 0;
    font-size: 1rem;
  }
  .chart figcaption {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  .legend {
    display: flex;
    gap: 0.75rem;
    list-style: none;
    margin: 0;
    padding: 0;
    font-size: 0.8rem;
  }
  .legend svg {
    width: 0.7rem;
    height: 0.7rem;
    margin-right: 0.3rem;
  }
  .plot {
    width: 100%;
    height: 190px;
    display: block;
    margin-top: 0.5rem;
  }
  .chart-error,
  .error {
    color: #b00020;
  }
  details.table-view {
    margin-top: 0.4rem;
    font-size: 0.85rem;
  }
  details.table-view summary {
    cursor: pointer;
    color: #3a2ecc;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.85rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid #e6e8ef;
  }
  td {
    font-variant-numeric: tabular-nums;
  }
  .kpis {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    margin: 0 0 1rem;
    padding: 0;
    list-style: none;
  }
  .kpis li {
    background: #fff;
    border-radius: 10px;
    padding: 0.6rem 1rem;
    box-shadow: 0 1px 4px #0001;
  }
  .kpis b {
    display: block;
    font-size: 1.35rem;
  }
  .split {
    display: grid;
    grid-template-columns: minmax(14rem, 22rem) 1fr;
    gap: 1rem;
    align-items: start;
  }
  @media (max-width: 52rem) {
    .split {
      grid-template-columns: 1fr;
    }
  }
  .conv-list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .conv-list li {
    border-bottom: 1px solid #e6e8ef;
  }
  .conv-list button {
    width: 100%;
    text-align: left;
    padding: 0.5rem;
    border: 0;
    background: none;
    color: #1d2230;
    cursor: pointer;
  }
  .conv-list button[aria-current='true'] {
    background: #ecebff;
    font-weight: 600;
  }
  .conv-list small {
    display: block;
    color: #4a5068;
    font-weight: normal;
  }
  .pager,
  .exports {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
    align-items: center;
    margin: 0.6rem 0;
  }
  .transcript {
    display: grid;
    gap: 0.6rem;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .msg {
    max-width: 44rem;
  }
  .msg.user {
    justify-self: end;
  }
  .msg .who {
    font-size: 0.75rem;
    color: #4a5068;
  }
  .user-bubble {
    background: #3a2ecc;
    color: #fff;
    padding: 0.45rem 0.75rem;
    border-radius: 12px;
    white-space: pre-wrap;
  }
  .user-bubble.hidden-msg {
    background: #e6e8ef;
    color: #1d2230;
    font-style: italic;
  }
  .unknown-block {
    border: 1px dashed #8a8fa3;
    border-radius: 8px;
    padding: 0.35rem 0.6rem;
    color: #4a5068;
    font-size: 0.85rem;
  }
  .feedback-badge {
    display: inline-block;
    margin-top: 0.2rem;
    font-size: 0.8rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
  }
  .feedback-badge.positive {
    background: #dff5e6;
    color: #14532d;
  }
  .feedback-badge.negative {
    background: #fde4e4;
    color: #7f1d1d;
  }
  .comments {
    list-style: none;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 0.4rem;
  }
  .comments li {
    border-left: 3px solid #3a2ecc;
    padding-left: 0.5rem;
  }
`;
