export const id = 615;
export const ids = [615];
export const modules = {

/***/ 21615:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ VERIFY_REPORT_VERSION),
/* harmony export */   formatVerifyMarkdown: () => (/* binding */ formatVerifyMarkdown),
/* harmony export */   formatVerifyText: () => (/* binding */ formatVerifyText),
/* harmony export */   verifyFails: () => (/* binding */ verifyFails)
/* harmony export */ });
/* unused harmony export formatVerifyJson */
/** Version of the JSON shape of `sigma-gate verify --format json`. */
const VERIFY_REPORT_VERSION = 1;
/** Whether a verify run should fail CI: any disagreement, failed rule or error. */
function verifyFails(report) {
    if (report.summary.disagreements > 0 || report.summary.failed > 0)
        return true;
    return report.diagnostics.some((d) => d.severity === 'error');
}
/** Format the report as indented JSON. */
function formatVerifyJson(report) {
    return `${JSON.stringify(report, null, 2)}\n`;
}
/** Format the report for a terminal or CI log. */
function formatVerifyText(report) {
    const lines = [`sigma-gate verify: run ${report.runId} on index '${report.index}' at ${report.splunk}`];
    for (const rule of report.rules)
        lines.push(...ruleLines(rule, report));
    for (const d of report.diagnostics) {
        const where = d.file === undefined ? '' : `${d.file}:${d.line}:${d.column}: `;
        lines.push(`${where}${d.severity} ${d.check}: ${d.message}`);
    }
    lines.push(summaryLine(report));
    return `${lines.join('\n')}\n`;
}
function ruleLines(rule, report) {
    const name = ruleName(rule);
    if (rule.status === 'skipped')
        return [`${name}: skipped: ${rule.reason ?? ''}`];
    if (rule.status === 'failed')
        return [`${name}: FAILED: ${rule.reason ?? ''}`];
    const counts = `Splunk returned ${rule.splunkMatches ?? 0}, the SPL engine matched ${rule.engineMatches ?? 0}`;
    if (rule.status === 'agreed')
        return [`${name}: agreed (${counts})`];
    const lines = [`${name}: DISAGREED (${counts})`];
    for (const d of disagreementsOf(rule, report))
        lines.push(`  ${eventName(d)}: ${describeVerdicts(d)}`);
    return lines;
}
/** Format the report as a Markdown section for the GitHub job summary. */
function formatVerifyMarkdown(report) {
    const { summary } = report;
    const lines = [
        '## Splunk verification',
        '',
        `Run \`${report.runId}\` on index \`${report.index}\`: ${summary.agreed} rules agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent, events ${report.cleanup}.`,
        '',
    ];
    if (report.disagreements.length > 0) {
        lines.push('| rule | event | Splunk | SPL engine |', '| --- | --- | --- | --- |');
        for (const d of report.disagreements) {
            lines.push(`| ${cell(d.rule)} | ${cell(eventName(d))} | ${d.splunk ? 'returned' : 'not returned'} | ${d.engine ? 'match' : 'no match'} |`);
        }
        lines.push('');
    }
    const problems = [
        ...report.rules.filter((rule) => rule.status === 'failed').map((rule) => `${ruleName(rule)}: ${rule.reason ?? ''}`),
        ...report.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} \`${d.check}\`: ${d.message}`),
    ];
    for (const problem of problems)
        lines.push(`- ${cell(problem)}`);
    return `${lines.join('\n')}\n`;
}
function disagreementsOf(rule, report) {
    return report.disagreements.filter((d) => d.rule === rule.path && d.document === rule.document);
}
function ruleName(rule) {
    return rule.document === undefined ? rule.path : `${rule.path} (document ${rule.document + 1})`;
}
function eventName(d) {
    const line = d.line === undefined ? '' : `, line ${d.line}`;
    return `${d.file}#${d.index}${line}`;
}
function describeVerdicts(d) {
    return d.splunk
        ? 'Splunk returned this event, but the SPL engine did not match it'
        : 'the SPL engine matched this event, but Splunk did not return it';
}
function summaryLine(report) {
    const { summary } = report;
    return `${summary.rules} rules: ${summary.agreed} agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent; ${summary.disagreements} disagreements; events ${report.cleanup}`;
}
function cell(text) {
    return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}


/***/ })

};
