import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { evaluate, parseEval, type Fields, type SplValue } from "./spl-eval.ts";

const run = (expression: string, fields: Fields = {}): SplValue => evaluate(parseEval(expression), fields);

describe("the SPL eval subset evaluator", () => {
  // Each row is Splunk's documented behaviour for the function.
  const cases: Array<[string, Fields, SplValue]> = [
    ['coalesce(a, b, "z")', { b: "2" }, "2"],
    ['coalesce(a, "z")', {}, "z"],
    ['nullif(a, "null")', { a: "null" }, null],
    ['nullif(a, "null")', { a: "x" }, "x"],
    ["nullif(a, b)", {}, null],
    ["lower(a)", { a: "InProgress" }, "inprogress"],
    ["lower(a)", {}, null],
    ['case(a=="x", "one", a=="y", "two")', { a: "y" }, "two"],
    ['case(a=="x", "one", true(), "other")', { a: "q" }, "other"],
    ['case(a=="x", "one")', { a: "q" }, null],
    ['if(match(a, "^de"), "yes", "no")', { a: "defender" }, "yes"],
    ['if(match(a, "^de"), "yes", "no")', {}, "no"],
    ['replace(a, "^defender_alerts:", "")', { a: "defender_alerts:t1" }, "t1"],
    ['replace(a, "(x)(y)", "\\2\\1")', { a: "axyb" }, "ayxb"],
    ['a . "-" . b', { a: "1", b: "2" }, "1-2"],
    ['a == "X"', { a: "x" }, false],
    ['a != "x" AND NOT b == "y"', { a: "z", b: "q" }, true],
    ["mvindex(a, 0)", { a: ["p", "q"] }, "p"],
    ["mvindex(a, -1)", { a: ["p", "q"] }, "q"],
    ["mvindex(a, 0)", { a: "solo" }, "solo"],
    ['mvfilter(match(a, "^T"))', { a: ["T1", "x", "T2"] }, ["T1", "T2"]],
    ['mvfilter(match(a, "^T"))', { a: ["T1", "x"] }, "T1"],
    ['mvfilter(match(a, "^T"))', { a: ["x"] }, null],
    ['mvfilter(match(\'a{}.b\', "^T"))', { "a{}.b": ["T9"] }, "T9"],
  ];
  for (const [expression, fields, expected] of cases) {
    it(`${expression} with ${JSON.stringify(fields)} is ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(run(expression, fields), expected);
    });
  }

  it("refuses what it does not implement instead of guessing", () => {
    assert.throws(() => parseEval("upper(a)"), /unsupported eval function/);
    assert.throws(() => parseEval("a + 1"), /unsupported eval syntax/);
    assert.throws(() => run("lower(a)", { a: ["x", "y"] }), /multivalue/);
    assert.throws(() => run('match(a, "(?i)x")', { a: "x" }), /regex outside/);
    assert.throws(() => parseEval("mvfilter(a == b)") && run("mvfilter(a == b)", { a: "1", b: "1" }), /exactly one field/);
  });
});
