/**
 * The program the DAP benchmark debugs: a Go module with one main.go, a breakpoint line before a long loop, and the
 * loop whose body is stepped over, plus the .vscode/launch.json the IDE starts it with (F5). Both ways of measuring
 * debug the same folder, so that dlv builds the same package in the same place with the same build cache.
 */
import * as fs from 'fs';
import * as path from 'path';

export const MAIN_FILE = 'main.go';
export const LAUNCH_NAME = 'Debug loop';
/** More iterations than any run steps through: the program never reaches its end while it is being stepped. */
const ITERATIONS = 100_000;

const SOURCE = `// Command loop is the program of Warren's DAP benchmark: a breakpoint before a loop, and a loop to step over in.
package main

import "fmt"

func main() {
	total := 0 // breakpoint
	for i := 0; i < ${ITERATIONS}; i++ { // loop
		total += i // body 1
		total ^= i << 1 // body 2
		total %= 1_000_003 // body 3
	}
	fmt.Println("total:", total)
}
`;

const LAUNCH_JSON = `{
  "version": "0.2.0",
  "configurations": [
    {
      "name": "${LAUNCH_NAME}",
      "type": "go",
      "request": "launch",
      "mode": "debug",
      "program": "\${workspaceFolder}"
    }
  ]
}
`;

export interface ProgramInfo {
    /** The module's folder: the workspace of the IDE, the program of the direct client's launch. */
    dir: string;
    /** main.go's absolute path. */
    file: string;
    /** 1-based lines of main.go. */
    breakpointLine: number;
    loopLine: number;
    bodyLines: number[];
    /** The text of the breakpoint's line, to find it in the editor. */
    breakpointText: string;
    iterations: number;
}

/** 1-based line of main.go whose comment is `// <marker>`. */
function lineOf(lines: string[], marker: string): number {
    const index = lines.findIndex(l => l.endsWith(`// ${marker}`));
    if (index < 0) {
        throw new Error(`main.go has no line marked "${marker}"`);
    }
    return index + 1;
}

/** Writes the module into dir (created) and returns where its lines are. */
export function writeProgram(dir: string): ProgramInfo {
    fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/loop\n\ngo 1.22\n');
    fs.writeFileSync(path.join(dir, MAIN_FILE), SOURCE);
    fs.writeFileSync(path.join(dir, '.vscode', 'launch.json'), LAUNCH_JSON);
    const lines = SOURCE.split('\n');
    const breakpointLine = lineOf(lines, 'breakpoint');
    return {
        dir,
        file: path.join(dir, MAIN_FILE),
        breakpointLine,
        loopLine: lineOf(lines, 'loop'),
        bodyLines: [lineOf(lines, 'body 1'), lineOf(lines, 'body 2'), lineOf(lines, 'body 3')],
        breakpointText: lines[breakpointLine - 1].trim(),
        iterations: ITERATIONS
    };
}

/**
 * Where a step over (dlv's `next`) from `line` stops: from the breakpoint to the loop's header, from there into the
 * body, line by line, and from the body's last line back to the header (the increment and the condition share it).
 */
export function lineAfterStep(program: ProgramInfo, line: number): number {
    const body = program.bodyLines;
    if (line === program.breakpointLine || line === body[body.length - 1]) {
        return program.loopLine;
    }
    if (line === program.loopLine) {
        return body[0];
    }
    const index = body.indexOf(line);
    if (index < 0) {
        throw new Error(`line ${line} is not on the stepping path of main.go`);
    }
    return body[index + 1];
}
