// Copies the JSON and JSONC TextMate grammars from the tm-grammars package into syntaxes/ at build
// time, so that they stay an npm dependency instead of a copy committed here.
const fs = require('fs');
const path = require('path');

for (const name of ['json', 'jsonc']) {
    const source = require.resolve(`tm-grammars/grammars/${name}.json`);
    const target = path.join(__dirname, '..', 'syntaxes', `${name}.tmLanguage.json`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target);
    console.log(`copied the ${name} grammar from ${path.relative(path.join(__dirname, '..'), source)}`);
}
