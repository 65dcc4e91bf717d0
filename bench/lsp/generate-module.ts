/**
 * Generates the medium Go module of the LSP benchmark: PACKAGES packages of FILES_PER_PACKAGE files each, every package
 * importing the one before it, and cmd/app/main.go with the three request targets (see ModuleTargets). The output is
 * the same on every call. Standalone: `node bench/lib/lsp/generate-module.js <folder>` (the folder must not exist).
 */
import * as fs from 'fs';
import * as path from 'path';

export const MODULE_PATH = 'example.com/medium';
const PACKAGES = 25;
const FILES_PER_PACKAGE = 12;
export const MAIN_FILE = 'cmd/app/main.go';

/** A position in MAIN_FILE, 0-based as in LSP (a tab counts as one character, as in Monaco's columns). */
export interface Target {
    line: number;
    character: number;
}

export interface ModuleTargets {
    /** On `Summarize` of `p12.Summarize(r)`: a documented function of another package. The hover shows `hoverText`. */
    hover: Target & { hoverText: string };
    /** On the call `describe(...)` in main(): the definition is `func describe` in the same file, at `targetLine`. */
    definition: Target & { targetLine: number };
    /** Right after `p07.New` in `p07.NewWidget03(name)`: the completions include `label`. */
    completion: Target & { label: string };
}

export interface ModuleInfo {
    dir: string;
    files: number;
    packages: number;
    lines: number;
    targets: ModuleTargets;
}

function pkgName(index: number): string {
    return `p${String(index).padStart(2, '0')}`;
}

function suffix(file: number): string {
    return String(file).padStart(2, '0');
}

function summarizeDoc(pkg: string): string {
    return `Summarize reports every widget of package ${pkg} on one line, sorted by name.`;
}

/** f00.go of a package: the package doc, its Registry and Summarize, which calls into the previous package. */
function registryFile(index: number): string {
    const pkg = pkgName(index);
    const prev = index > 0 ? pkgName(index - 1) : undefined;
    const imports = ['"fmt"', '"sort"', '"strings"', ...(prev ? ['', `"${MODULE_PATH}/${prev}"`] : [])];
    const before = prev ? `${prev}.Summarize(${prev}.NewRegistry())` : '"start"';
    return `// Package ${pkg} is package ${index + 1} of ${PACKAGES} of the generated medium module of the LSP benchmark.
package ${pkg}

import (
${imports.map(i => (i ? `\t${i}` : '')).join('\n')}
)

// Registry collects the widgets of package ${pkg} by name.
type Registry struct {
\twidgets map[string]fmt.Stringer
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
\treturn &Registry{widgets: map[string]fmt.Stringer{}}
}

// Register adds w under name, replacing any earlier widget of that name.
func (r *Registry) Register(name string, w fmt.Stringer) {
\tr.widgets[name] = w
}

// Names returns the names of the registered widgets, sorted.
func (r *Registry) Names() []string {
\tnames := make([]string, 0, len(r.widgets))
\tfor name := range r.widgets {
\t\tnames = append(names, name)
\t}
\tsort.Strings(names)
\treturn names
}

// ${summarizeDoc(pkg)}
// The summary of the previous package's empty registry comes first.
func Summarize(r *Registry) string {
\tparts := []string{${before}}
\tfor _, name := range r.Names() {
\t\tparts = append(parts, fmt.Sprintf("%s=%s", name, r.widgets[name]))
\t}
\treturn strings.Join(parts, "; ")
}
`;
}

/** f01.go … f11.go of a package: a widget type with fields, methods and docs, and a helper that calls the previous package. */
function widgetFile(index: number, file: number): string {
    const pkg = pkgName(index);
    const prev = index > 0 ? pkgName(index - 1) : undefined;
    const s = suffix(file);
    const imports = ['"fmt"', '"sort"', '"strings"', ...(prev ? ['', `"${MODULE_PATH}/${prev}"`] : [])];
    const helperBody = prev
        ? `${prev}.Helper${s}(strings.ToUpper(strings.TrimSpace(s)))`
        : `"${pkg}:" + strings.ToUpper(strings.TrimSpace(s))`;
    return `package ${pkg}

import (
${imports.map(i => (i ? `\t${i}` : '')).join('\n')}
)

// Widget${s} is a generated widget of package ${pkg}: a name and a bag of tagged items.
type Widget${s} struct {
\t// Name is the widget's display name.
\tName string
\t// Items holds the tagged items, in the order they were added.
\tItems []Item${s}
\tadded int
}

// Item${s} is one tagged value of a Widget${s}.
type Item${s} struct {
\tTag   string
\tValue int
}

// NewWidget${s} returns an empty Widget${s} called name.
func NewWidget${s}(name string) *Widget${s} {
\treturn &Widget${s}{Name: Helper${s}(name)}
}

// Add appends an item with the given tag and value and returns how many items the widget holds.
func (w *Widget${s}) Add(tag string, value int) int {
\tw.Items = append(w.Items, Item${s}{Tag: tag, Value: value * ${file + 1}})
\tw.added++
\treturn len(w.Items)
}

// Total returns the sum of the values of all items.
func (w *Widget${s}) Total() int {
\ttotal := 0
\tfor _, it := range w.Items {
\t\ttotal += it.Value
\t}
\treturn total
}

// Tags returns the distinct tags of the items, sorted.
func (w *Widget${s}) Tags() []string {
\tseen := map[string]bool{}
\tvar tags []string
\tfor _, it := range w.Items {
\t\tif !seen[it.Tag] {
\t\t\tseen[it.Tag] = true
\t\t\ttags = append(tags, it.Tag)
\t\t}
\t}
\tsort.Strings(tags)
\treturn tags
}

// String describes the widget on one line.
func (w *Widget${s}) String() string {
\treturn fmt.Sprintf("%s[%d]: %s", w.Name, w.Total(), strings.Join(w.Tags(), ","))
}

// Helper${s} normalizes s as package ${pkg} does: trimmed and in upper case, then through the previous package.
func Helper${s}(s string) string {
\treturn ${helperBody}
}
`;
}

/** cmd/app/main.go. The trailing comments mark the targets; targetsOf finds them by these texts. */
function mainFile(): string {
    return `// Command app ties the generated packages together; the LSP benchmark sends its requests in this file.
package main

import (
\t"fmt"

\t"${MODULE_PATH}/p07"
\t"${MODULE_PATH}/p12"
\t"${MODULE_PATH}/p24"
)

// describe registers two widgets and summarizes them: the definition target in the same file.
func describe(name string) string {
\tr := p12.NewRegistry()
\tw := p07.NewWidget03(name) // bench: completion after "p07.New"
\tw.Add("bench", 1)
\tr.Register(name, w)
\tr.Register("last", p24.NewWidget11(name))
\treturn p12.Summarize(r) // bench: hover on Summarize (another package)
}

func main() {
\tfmt.Println(describe("medium")) // bench: definition of describe (same file)
}
`;
}

/** Position of needle's first occurrence in text, plus offset characters. */
function find(text: string, needle: string, offset: number): Target {
    const lines = text.split('\n');
    const line = lines.findIndex(l => l.includes(needle));
    if (line < 0) {
        throw new Error(`${needle} is not in ${MAIN_FILE}`);
    }
    return { line, character: lines[line].indexOf(needle) + offset };
}

function targetsOf(main: string): ModuleTargets {
    return {
        // On the 'm' of Summarize, inside the identifier.
        hover: { ...find(main, 'p12.Summarize(r)', 'p12.Sum'.length), hoverText: summarizeDoc('p12') },
        definition: { ...find(main, 'describe("medium")', 3), targetLine: find(main, 'func describe(', 0).line },
        completion: { ...find(main, 'p07.NewWidget03(name)', 'p07.New'.length), label: 'NewWidget03' }
    };
}

function write(root: string, file: string, text: string): number {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    return text.split('\n').length - 1;
}

/** Writes the module into dir, which must not exist or be empty. */
export function generateModule(dir: string): ModuleInfo {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
        throw new Error(`${dir} is not empty; the module is generated into a new folder.`);
    }
    let files = 0;
    let lines = write(dir, 'go.mod', `module ${MODULE_PATH}\n\ngo 1.22\n`);
    for (let p = 0; p < PACKAGES; p++) {
        for (let f = 0; f < FILES_PER_PACKAGE; f++) {
            const text = f === 0 ? registryFile(p) : widgetFile(p, f);
            lines += write(dir, path.join(pkgName(p), `f${suffix(f)}.go`), text);
            files++;
        }
    }
    const main = mainFile();
    lines += write(dir, MAIN_FILE, main);
    return { dir, files: files + 1, packages: PACKAGES + 1, lines, targets: targetsOf(main) };
}

if (require.main === module) {
    const dir = process.argv[2];
    if (!dir) {
        process.stderr.write('usage: node bench/lib/lsp/generate-module.js <new folder>\n');
        process.exit(2);
    }
    const info = generateModule(path.resolve(dir));
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
}
