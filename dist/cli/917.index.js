export const id = 917;
export const ids = [917];
export const modules = {

/***/ 917:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   escapeXml: () => (/* binding */ escapeXml),
/* harmony export */   formatJunitReport: () => (/* binding */ formatJunitReport)
/* harmony export */ });
/* harmony import */ var _explanation_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6321);
/* harmony import */ var _text_report_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6510);


/**
 * Format a report as JUnit XML, which CI systems (GitLab, Jenkins, Azure
 * Pipelines, test-reporter actions) show as test results. Each rule with
 * fixture tests or errors is a `<testsuite>`, each fixture test a
 * `<testcase>`, and a rule's error-level findings one failing `lint` case. A
 * failure carries the reason as its message and the explanation as its text.
 */
function formatJunitReport(report) {
    const suites = report.rules
        .filter((rule) => rule.tests.length > 0 || errorsOf(rule.diagnostics).length > 0)
        .map(formatSuite);
    const tests = suites.reduce((sum, suite) => sum + suite.tests, 0);
    const failures = suites.reduce((sum, suite) => sum + suite.failures, 0);
    const lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="sigma-gate" tests="${tests}" failures="${failures}" errors="0">`,
        ...suites.flatMap((suite) => suite.lines),
        '</testsuites>',
    ];
    return `${lines.join('\n')}\n`;
}
function formatSuite(rule) {
    const errors = errorsOf(rule.diagnostics);
    const cases = rule.tests.map((test) => formatTestCase(test, rule));
    if (errors.length > 0)
        cases.push(formatLintCase(errors, rule));
    const failures = rule.tests.filter((test) => !test.passed).length + (errors.length > 0 ? 1 : 0);
    const name = rule.title === null ? (0,_text_report_js__WEBPACK_IMPORTED_MODULE_0__/* .formatRuleLabel */ .G5)(rule) : `${(0,_text_report_js__WEBPACK_IMPORTED_MODULE_0__/* .formatRuleLabel */ .G5)(rule)} '${rule.title}'`;
    const attributes = `name="${escapeAttribute(name)}" tests="${cases.length}" failures="${failures}" errors="0" file="${escapeAttribute(rule.path)}"`;
    const lines = [`  <testsuite ${attributes}>`];
    if (rule.id !== null) {
        lines.push('    <properties>', `      <property name="id" value="${escapeAttribute(rule.id)}"/>`, '    </properties>');
    }
    lines.push(...cases.flat(), '  </testsuite>');
    return { tests: cases.length, failures, lines };
}
function formatTestCase(test, rule) {
    const file = test.caseFile ?? test.fixture;
    const line = test.line === undefined ? '' : ` line="${test.line}"`;
    const open = `    <testcase name="${escapeAttribute(`${test.name} (${test.fixture})`)}" classname="${escapeAttribute(rule.path)}" file="${escapeAttribute(file)}"${line}`;
    if (test.passed)
        return [`${open}/>`];
    const counts = (0,_text_report_js__WEBPACK_IMPORTED_MODULE_0__/* .describeTestCounts */ .MV)(test);
    const message = test.reason === undefined ? counts : `${counts}. ${test.reason}`;
    const details = test.explanation === undefined ? [] : (0,_explanation_text_js__WEBPACK_IMPORTED_MODULE_1__/* .formatExplanationLines */ .e)(test.explanation);
    return [
        `${open}>`,
        `      <failure message="${escapeAttribute(message)}" type="fixture">${escapeXml([message, ...details].join('\n'))}</failure>`,
        '    </testcase>',
    ];
}
function formatLintCase(errors, rule) {
    const text = errors.map((d) => `${d.file ?? rule.path}:${d.line}:${d.column} ${d.check} ${d.message}`).join('\n');
    const message = `${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${errors[0]?.message ?? ''}`;
    return [
        `    <testcase name="lint" classname="${escapeAttribute(rule.path)}" file="${escapeAttribute(rule.path)}">`,
        `      <failure message="${escapeAttribute(message)}" type="lint">${escapeXml(text)}</failure>`,
        '    </testcase>',
    ];
}
function errorsOf(diagnostics) {
    return diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
}
/**
 * Escape text for an XML attribute or element. Characters that XML 1.0
 * cannot hold at all (control characters other than tab and line breaks,
 * lone surrogates, U+FFFE and U+FFFF) become `\uXXXX` text, because no
 * escape makes them valid.
 */
function escapeXml(text) {
    return text
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/\r/g, '&#13;');
}
/** Escape text for an XML attribute, keeping line breaks and tabs as written. */
function escapeAttribute(text) {
    return escapeXml(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}


/***/ })

};
