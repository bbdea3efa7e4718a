export const id = 779;
export const ids = [779];
export const modules = {

/***/ 6779:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   streamCsv: () => (/* binding */ streamCsv)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var csv_parse__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6070);
/* harmony import */ var _diagnostic_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1348);
/* harmony import */ var _normalise_event_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6426);




/**
 * Read a CSV file with a header line, as Splunk exports search results
 * (`outputcsv`, the export API with `output_mode=csv`, "Export" in the UI),
 * one record at a time. csv-parse reads the quoting of RFC 4180, including
 * values that span lines. Each record is a Splunk result: its event comes
 * from `_raw` when `_raw` contains the event XML, else from the extracted fields.
 * A malformed record is reported at its line and skipped.
 */
async function* streamCsv(path) {
    const skipped = [];
    const parser = (0,csv_parse__WEBPACK_IMPORTED_MODULE_1__/* .parse */ .qg)({
        bom: true,
        columns: true,
        info: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        on_skip: (error) => {
            if (error !== undefined)
                skipped.push(invalidCsv(error, path));
            return undefined;
        },
    });
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream)(path).pipe(parser);
    let index = 0;
    for await (const item of parser) {
        yield* skipped.splice(0);
        yield {
            event: (0,_normalise_event_js__WEBPACK_IMPORTED_MODULE_2__/* .normaliseSplunkResult */ .tR)(item.record),
            index: index++,
            line: item.info.lines,
        };
    }
    yield* skipped.splice(0);
}
function invalidCsv(error, file) {
    const line = typeof error.lines === 'number' ? error.lines : 1;
    const reason = error.message.replace(/\.$/, '');
    const message = `A CSV record is invalid: ${reason}. Fix the quoting or the number of values on this line; the other records are still loaded.`;
    return (0,_diagnostic_js__WEBPACK_IMPORTED_MODULE_3__/* .diagnosticAt */ .R)({ line, column: 1 }, 'fixture/invalid-csv', 'error', message, file);
}


/***/ })

};
