// Copies the Go TextMate grammar from the tm-grammars package into syntaxes/ at build time,
// so that the grammar stays an npm dependency instead of a copy committed here.
const fs = require('fs');
const path = require('path');

const source = require.resolve('tm-grammars/grammars/go.json');
const target = path.join(__dirname, '..', 'syntaxes', 'go.tmLanguage.json');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`copied the Go grammar from ${path.relative(path.join(__dirname, '..'), source)}`);
