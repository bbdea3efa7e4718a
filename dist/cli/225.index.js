export const id = 225;
export const ids = [225];
export const modules = {

/***/ 4225:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   formatJsonReport: () => (/* binding */ formatJsonReport)
/* harmony export */ });
/**
 * Known keys in the order they are written, one list for every object type:
 * each type's keys appear here in that type's reading order. Keys that later
 * report versions add follow in alphabetical order, so the same report always
 * serialises to the same text, whatever order its objects were built in.
 */
const keyOrder = [
    'version',
    'summary',
    'rules',
    'errors',
    'warnings',
    'converted',
    'fixtures',
    'path',
    'id',
    'title',
    'tags',
    'document',
    'check',
    'severity',
    'message',
    'name',
    'fixture',
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'diagnostics',
    'expected',
    'native',
    'spl',
    'passed',
    'failed',
    'reason',
    'tests',
];
const keyRank = new Map(keyOrder.map((key, index) => [key, index]));
/** Serialise a report as 2-space indented JSON with a fixed key order. */
function formatJsonReport(report) {
    return JSON.stringify(report, orderKeys, 2) + '\n';
}
function orderKeys(_key, value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return value;
    }
    const entries = Object.entries(value).sort(([a], [b]) => compareKeys(a, b));
    return Object.fromEntries(entries);
}
function compareKeys(a, b) {
    const rankA = keyRank.get(a) ?? keyOrder.length;
    const rankB = keyRank.get(b) ?? keyOrder.length;
    if (rankA !== rankB)
        return rankA - rankB;
    if (a === b)
        return 0;
    return a < b ? -1 : 1;
}


/***/ })

};
