export const id = 594;
export const ids = [594];
export const modules = {

/***/ 6594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  writeNavigatorLayer: () => (/* binding */ writeNavigatorLayer)
});

// UNUSED EXPORTS: NAVIGATOR_VERSION, buildNavigatorLayer, formatNavigatorLayer

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/attack/catalog.ts + 1 modules
var catalog = __webpack_require__(8937);
// EXTERNAL MODULE: ./src/attack/parse-tag.ts
var parse_tag = __webpack_require__(2142);
;// CONCATENATED MODULE: ./src/report/attack-coverage.ts


/**
 * Return the current technique ids a rule's tags name. A revoked technique
 * counts as the techniques that replace it; ids the catalog does not know
 * are skipped, since the lint checks already report them.
 */
function techniqueIdsOf(tags = []) {
    const ids = new Set();
    for (const tag of tags) {
        const parsed = (0,parse_tag/* parseTag */.E)(tag.toLowerCase());
        if (parsed.kind !== 'technique')
            continue;
        for (const entry of (0,catalog/* techniqueReplacements */.Yr)(parsed.id))
            ids.add(entry.id);
    }
    return [...ids].sort();
}
/**
 * List the techniques covered by the report's converted rules, sorted by id.
 * A rule covers a technique when it has SPL and a tag names the technique.
 */
function attackCoverage(rules) {
    const covered = new Map();
    for (const rule of rules) {
        if (rule.spl.length === 0)
            continue;
        for (const id of techniqueIdsOf(rule.tags)) {
            const entry = covered.get(id) ?? describeTechnique(id);
            if (!entry.rules.includes(rule.path))
                entry.rules.push(rule.path);
            covered.set(id, entry);
        }
    }
    return [...covered.values()].sort((a, b) => a.id.localeCompare(b.id));
}
/** Count the covering rules per technique. */
function coverageCounts(coverage) {
    return new Map(coverage.map((entry) => [entry.id, entry.rules.length]));
}
/** Compare two coverage counts: techniques covered in one and not the other. */
function diffCoverage(before, after) {
    const covered = (counts, id) => (counts.get(id) ?? 0) > 0;
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
    return {
        gained: ids.filter((id) => !covered(before, id) && covered(after, id)),
        lost: ids.filter((id) => covered(before, id) && !covered(after, id)),
    };
}
/** Name a technique for a report line, e.g. `T1059.001 PowerShell`. */
function techniqueLabel(id) {
    const entry = technique(id);
    return entry === undefined ? id : `${id} ${entry.name}`;
}
function describeTechnique(id) {
    const entry = (0,catalog/* technique */.nv)(id);
    return {
        id,
        name: entry?.name ?? id,
        tactics: entry?.tactics ?? [],
        rules: [],
    };
}

;// CONCATENATED MODULE: ./src/report/navigator-layer.ts




/** Navigator release the layer is written for; layer 4.5 needs at least 4.9.0. */
const NAVIGATOR_VERSION = '5.1.0';
/** Rule paths listed per technique before the rest are counted. */
const MAX_LISTED_RULES = 20;
/**
 * Build a Navigator layer of the covered techniques. Each technique's score is
 * the number of converted rules that tag it, its comment and metadata name
 * those rules, and the gradient runs from the lowest to the highest score.
 */
function buildNavigatorLayer(coverage, options = {}) {
    const maxScore = Math.max(1, ...coverage.map((entry) => entry.rules.length));
    const rules = new Set(coverage.flatMap((entry) => entry.rules)).size;
    const checked = options.ruleCount === undefined ? '' : ` of ${options.ruleCount} checked`;
    return {
        name: options.name ?? 'sigma-gate coverage',
        versions: {
            attack: (0,catalog/* attackVersions */.SW)().current.split('.')[0] ?? '',
            navigator: NAVIGATOR_VERSION,
            layer: '4.5',
        },
        domain: 'enterprise-attack',
        description: `Techniques tagged by ${rules} converted Sigma rules${checked}; the score is the number of rules per technique.`,
        sorting: 3,
        layout: {
            layout: 'side',
            showID: true,
            showName: true,
            showAggregateScores: true,
            countUnscored: false,
            aggregateFunction: 'max',
            expandedSubtechniques: 'annotated',
        },
        hideDisabled: false,
        techniques: coverage.map(toLayerTechnique),
        gradient: { colors: ['#dceefc', '#1f6fb2'], minValue: 0, maxValue: maxScore },
        legendItems: [{ label: 'covered by a converted rule', color: '#1f6fb2' }],
        showTacticRowBackground: false,
        tacticRowBackground: '#dddddd',
        selectTechniquesAcrossTactics: true,
        selectSubtechniquesWithParent: false,
        selectVisibleTechniques: false,
        metadata: [{ name: 'generator', value: 'sigma-gate' }],
    };
}
/** Serialise a layer as 2-space indented JSON. */
function formatNavigatorLayer(layer) {
    return JSON.stringify(layer, null, 2) + '\n';
}
function toLayerTechnique(entry) {
    const listed = entry.rules.slice(0, MAX_LISTED_RULES);
    const more = entry.rules.length - listed.length;
    const metadata = listed.map((rule) => ({ name: 'rule', value: rule }));
    if (more > 0)
        metadata.push({ name: 'more rules', value: String(more) });
    return {
        techniqueID: entry.id,
        score: entry.rules.length,
        comment: `${entry.rules.length} rule${entry.rules.length === 1 ? '' : 's'}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
        enabled: true,
        metadata,
        showSubtechniques: false,
    };
}
/**
 * Write the Navigator layer of a report's coverage to `file`, creating its
 * directory, for `--navigator` and the action.
 */
async function writeNavigatorLayer(file, report) {
    const layer = buildNavigatorLayer(attackCoverage(report.rules), {
        ruleCount: report.summary.rules,
    });
    await (0,promises_.mkdir)(external_node_path_default().dirname(file), { recursive: true });
    await (0,promises_.writeFile)(file, formatNavigatorLayer(layer));
}


/***/ })

};
