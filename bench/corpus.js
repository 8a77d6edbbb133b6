// Deterministic markdown answers of a target HTML size, for the render benchmark.
const topics = [
  [
    'Frame sizes',
    'Our frames come in **five sizes**, from XS to XL. Measure your inseam 📏 and check the [size guide](https://indigo.ai/sizes).',
  ],
  ['Delivery', 'We deliver across Italy 🇮🇹 in *three to five* working days; islands take a little longer. Tracking arrives by e-mail.'],
  [
    'Servizio a vita',
    'Porta la tua bici in una delle **40 officine**: controllo dei freni, cambio e ruote è sempre gratuito. Perché aspettare?',
  ],
  ['Financing', 'Spread the cost over 12 months at **0%**. Approval takes about a minute 👩‍💻 and needs only an ID and an IBAN.'],
  ['Commuting', 'For daily rides pick the `City 7`: mudguards, lights and a rack are included, so you arrive dry and on time 🚲.'],
];

function section(i) {
  const [title, body] = topics[i % topics.length];
  const n = i + 1;
  return [
    `## ${n}. ${title}`,
    '',
    `${body} Note ${n}: every answer streams token by token, and earlier markup gets rewritten as the markdown completes.`,
    '',
    `- First point about ${title.toLowerCase()} with **bold** text`,
    `- Second point with a [link](https://indigo.ai/${n}) and \`code\``,
    `- Third point, with emoji 👍🏽 and accents: perché, città, è`,
    '',
    i % 3 === 0
      ? [
          '| Model | Weight | Price |',
          '| --- | --- | --- |',
          `| City ${n} | ${12 + (i % 5)} kg | €${600 + i} |`,
          `| Trail ${n} | ${14 + (i % 4)} kg | €${900 + i} |`,
          '',
        ].join('\n')
      : i % 3 === 1
        ? ['```js', `const bike${n} = { size: 'M', gears: ${7 + (i % 4)} };`, 'console.log(bike' + n + ');', '```', ''].join('\n')
        : `> Tip ${n}: keep the tyres at the pressure printed on their side.\n`,
  ].join('\n');
}

/** Markdown whose rendered HTML is at least `bytes` long. */
export function corpusMarkdown(bytes, render) {
  const parts = [];
  let i = 0;
  // Grow in steps, checking the rendered size now and then (rendering is the slow part).
  while (true) {
    for (let k = 0; k < 5; k++) parts.push(section(i++));
    const md = parts.join('\n');
    if (render(md).length >= bytes) return md;
  }
}
