import {
  quoteSplPattern,
  quoteSplString,
  writeEvalField,
  writeMacro,
  writeSearchField,
} from './spl-literal.js'
import type {
  EvalNode,
  SearchNode,
  SearchValue,
  SplQuery,
  Stage,
} from './spl-syntax.js'

/**
 * The operator a node is printed under. The printer never relies on
 * precedence: an OR under an AND, an AND under an OR and any group under a
 * NOT get parentheses, in search and in eval alike.
 */
type Parent = 'and' | 'or' | 'not' | 'argument'

/** Print a query as one line of SPL. */
export function printQuery(query: SplQuery): string {
  const base =
    query.base.length === 0
      ? '*'
      : printSearch({ kind: 'and', items: query.base }, 'and')
  const stages = query.stages.map(printStage)
  return [base, ...stages].join(' | ')
}

function printStage(stage: Stage): string {
  if (stage.kind === 'eval') {
    return 'eval ' + stage.target + '=' + printEval(stage.value, 'argument')
  }

  if (stage.kind === 'search') return 'search ' + printSearch(stage.expr, 'and')

  const operator = stage.negated ? '!=' : '='
  return 'regex ' + stage.field + operator + quoteSplString(stage.pattern)
}

/** Print a search expression placed under `parent`. */
export function printSearch(node: SearchNode, parent: Parent): string {
  switch (node.kind) {
    case 'and': {
      const text = node.items.map((item) => printSearch(item, 'and')).join(' ')
      return parent === 'or' || parent === 'not' ? '(' + text + ')' : text
    }
    case 'or': {
      const text = node.items
        .map((item) => printSearch(item, 'or'))
        .join(' OR ')
      return parent === 'or' ? text : '(' + text + ')'
    }
    case 'not': {
      const text = 'NOT ' + printSearch(node.item, 'not')
      return parent === 'not' ? '(' + text + ')' : text
    }
    default:
      return printSearchTerm(node)
  }
}

type SearchTerm = Exclude<SearchNode, { kind: 'and' | 'or' | 'not' }>

function printSearchTerm(node: SearchTerm): string {
  switch (node.kind) {
    case 'compare':
      return writeSearchField(node.field) + node.op + printValue(node.value)
    case 'in':
      return (
        writeSearchField(node.field) +
        ' IN (' +
        node.values.map(printValue).join(', ') +
        ')'
      )
    case 'present':
      return writeSearchField(node.field) + '=*'
    case 'keyword':
      return printValue(node.value)
    case 'flag':
      return node.name + '=1'
    case 'macro':
      return writeMacro(node.name)
  }
}

function printValue(value: SearchValue): string {
  if (value.kind === 'pattern') return quoteSplPattern(value.pieces)
  if (value.kind === 'string') return quoteSplString(value.text)
  return value.text
}

/** Print an eval expression placed under `parent`. */
export function printEval(node: EvalNode, parent: Parent): string {
  switch (node.kind) {
    case 'and': {
      const text = node.items
        .map((item) => printEval(item, 'and'))
        .join(' AND ')
      return parent === 'or' || parent === 'not' ? '(' + text + ')' : text
    }
    case 'or': {
      const text = node.items.map((item) => printEval(item, 'or')).join(' OR ')
      return parent === 'and' || parent === 'not' ? '(' + text + ')' : text
    }
    case 'not':
      return 'NOT ' + printEval(node.item, 'not')
    case 'equals':
      return (
        printEval(node.left, 'argument') +
        '=' +
        printEval(node.right, 'argument')
      )
    case 'concat':
      return node.items.map((item) => printEval(item, 'argument')).join(' . ')
    case 'negate':
      return '-' + printEval(node.item, 'argument')
    case 'compare':
      return (
        printEval(node.left, 'argument') +
        node.op +
        printEval(node.right, 'argument')
      )
    case 'call': {
      const args = node.args.map((arg) => printEval(arg, 'argument'))
      return node.name + '(' + args.join(', ') + ')'
    }
    case 'field':
      return writeEvalField(node.name)
    case 'string':
      return quoteSplString(node.text)
    case 'integer':
      return String(node.value)
    case 'number':
      return node.text
  }
}
