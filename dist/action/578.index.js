export const id = 578;
export const ids = [578];
export const modules = {

/***/ 34578:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  iterateEvtxFile: () => (/* binding */ iterateEvtxFile),
  readEvtxFile: () => (/* binding */ readEvtxFile),
  streamEvtxFile: () => (/* binding */ streamEvtxFile)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./src/events/event-diagnostics.ts
var event_diagnostics = __webpack_require__(70612);
;// CONCATENATED MODULE: ./src/events/evtx/cursor.ts
/** Size of a chunk in bytes. */
const CHUNK_SIZE = 0x10000;
/** A structural problem in binary XML, at a chunk offset. */
class BinXmlError extends Error {
    chunkOffset;
    constructor(message, chunkOffset) {
        super(message);
        this.chunkOffset = chunkOffset;
    }
}
/** Creates the chunk state for a chunk buffer of at most 64 KiB. */
function createChunkState(bytes) {
    return {
        bytes,
        view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        names: new Map(),
        templates: new Map(),
        parsing: new Set(),
    };
}
const utf16Decoder = new TextDecoder('utf-16le');
/** A cursor over chunk offsets `pos` up to `end`. */
class Cursor {
    chunk;
    pos;
    end;
    constructor(chunk, pos, end) {
        this.chunk = chunk;
        this.pos = pos;
        this.end = end;
    }
    /** Throws a BinXmlError unless `count` more bytes lie before `end`. */
    need(count, what) {
        if (this.pos + count <= this.end)
            return;
        const remaining = Math.max(0, this.end - this.pos);
        const message = `${what} at chunk offset ${this.pos} needs ${count} bytes but only ${remaining} remain`;
        throw new BinXmlError(message, this.pos);
    }
    u8(what) {
        this.need(1, what);
        return this.chunk.view.getUint8(this.pos++);
    }
    u16(what) {
        this.need(2, what);
        const value = this.chunk.view.getUint16(this.pos, true);
        this.pos += 2;
        return value;
    }
    u32(what) {
        this.need(4, what);
        const value = this.chunk.view.getUint32(this.pos, true);
        this.pos += 4;
        return value;
    }
    /** Returns the next byte without consuming it, or undefined at the end. */
    peek() {
        if (this.pos >= this.end)
            return undefined;
        return this.chunk.view.getUint8(this.pos);
    }
    utf16(count, what) {
        this.need(count * 2, what);
        const start = this.pos;
        this.pos += count * 2;
        return utf16Decoder.decode(this.chunk.bytes.subarray(start, this.pos));
    }
}
/**
 * Reads a name structure at `offset` (next offset u32, hash u16, count u16,
 * UTF-16 text, NUL) and returns the name and the structure's size.
 */
function readNameAt(chunk, offset) {
    const cursor = new Cursor(chunk, offset, chunk.bytes.length);
    cursor.need(6, 'name header');
    cursor.pos += 6;
    const count = cursor.u16('name length');
    const name = cursor.utf16(count, 'name');
    return [name, 10 + count * 2];
}
/**
 * Reads a name reference. When the offset points just past itself, the name
 * structure follows inline. Otherwise it was written earlier in the chunk,
 * so it is read there or taken from the cache.
 */
function readName(cursor) {
    const offset = cursor.u32('name offset');
    if (offset === cursor.pos) {
        const [name, size] = readNameAt(cursor.chunk, offset);
        cursor.need(size, 'inline name');
        cursor.pos += size;
        cursor.chunk.names.set(offset, name);
        return name;
    }
    const cached = cursor.chunk.names.get(offset);
    if (cached !== undefined)
        return cached;
    if (offset + 10 > cursor.chunk.bytes.length) {
        const message = `name offset ${offset} lies outside the chunk`;
        throw new BinXmlError(message, cursor.pos - 4);
    }
    const [name] = readNameAt(cursor.chunk, offset);
    cursor.chunk.names.set(offset, name);
    return name;
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/events/evtx/crc32.ts

const REFLECTED_POLYNOMIAL = 0xedb88320;
function buildTable() {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) {
            c = c & 1 ? REFLECTED_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
        }
        table[n] = c >>> 0;
    }
    return table;
}
let table;
/** Computes the CRC-32 in TypeScript for Node releases before 20.15. */
function crc32Fallback(bytes, crc = 0) {
    table ??= buildTable();
    let c = ~crc >>> 0;
    for (let i = 0; i < bytes.length; i++) {
        c = (table[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
    }
    return ~c >>> 0;
}
// zlib.crc32 exists from Node 20.15 on, and package.json allows any Node 20.
const crc32_native = typeof external_node_zlib_.crc32 === 'function' ? external_node_zlib_.crc32 : undefined;
/** Computes the CRC-32 of `bytes`, continuing from `crc` when given. */
const crc32 = crc32_native ?? crc32Fallback;


// EXTERNAL MODULE: ./src/diagnostic.ts
var diagnostic = __webpack_require__(1348);
;// CONCATENATED MODULE: ./src/events/evtx/values.ts
/**
 * Decoding of the typed substitution values of EVTX binary XML, rendered the
 * way evtx_dump's JSON output renders them: integers as numbers, HexInt and
 * SizeT as `0x` strings, GUIDs upper case without braces, times with six
 * truncated fraction digits.
 */
const VALUE_TYPE = {
    null: 0x00,
    string: 0x01,
    ansiString: 0x02,
    int8: 0x03,
    uint8: 0x04,
    int16: 0x05,
    uint16: 0x06,
    int32: 0x07,
    uint32: 0x08,
    int64: 0x09,
    uint64: 0x0a,
    real32: 0x0b,
    real64: 0x0c,
    bool: 0x0d,
    binary: 0x0e,
    guid: 0x0f,
    sizeT: 0x10,
    fileTime: 0x11,
    systemTime: 0x12,
    sid: 0x13,
    hexInt32: 0x14,
    hexInt64: 0x15,
    binXml: 0x21,
    arrayFlag: 0x80,
};
/** Byte width of each fixed-size type, also the item width in arrays. */
const FIXED_SIZE = {
    [VALUE_TYPE.int8]: 1,
    [VALUE_TYPE.uint8]: 1,
    [VALUE_TYPE.int16]: 2,
    [VALUE_TYPE.uint16]: 2,
    [VALUE_TYPE.int32]: 4,
    [VALUE_TYPE.uint32]: 4,
    [VALUE_TYPE.int64]: 8,
    [VALUE_TYPE.uint64]: 8,
    [VALUE_TYPE.real32]: 4,
    [VALUE_TYPE.real64]: 8,
    [VALUE_TYPE.bool]: 4,
    [VALUE_TYPE.guid]: 16,
    [VALUE_TYPE.fileTime]: 8,
    [VALUE_TYPE.systemTime]: 16,
    [VALUE_TYPE.hexInt32]: 4,
    [VALUE_TYPE.hexInt64]: 8,
};
/** Ticks of 100 ns between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH_SECONDS = 11644473600n;
const values_utf16Decoder = new TextDecoder('utf-16le');
const ansiDecoder = new TextDecoder('windows-1252');
/** Decodes UTF-16LE code units, stopping at the first NUL unit. */
function decodeUtf16(bytes, start, byteLength) {
    let end = start + (byteLength & ~1);
    for (let i = start; i < end; i += 2) {
        if (bytes[i] === 0 && bytes[i + 1] === 0) {
            end = i;
            break;
        }
    }
    return values_utf16Decoder.decode(bytes.subarray(start, end));
}
/** Formats bytes as contiguous upper-case hex, as Windows renders Binary. */
function hexBytes(bytes, start, size) {
    let text = '';
    for (let i = start; i < start + size; i++) {
        text += (bytes[i] ?? 0).toString(16).padStart(2, '0');
    }
    return text.toUpperCase();
}
/** Formats a GUID upper case without braces, as evtx_dump does. */
function formatGuid(view, offset) {
    const hex = (value, digits) => value.toString(16).padStart(digits, '0');
    const data1 = hex(view.getUint32(offset, true), 8);
    const data2 = hex(view.getUint16(offset + 4, true), 4);
    const data3 = hex(view.getUint16(offset + 6, true), 4);
    let data4 = '';
    for (let i = 8; i < 16; i++) {
        if (i === 10)
            data4 += '-';
        data4 += hex(view.getUint8(offset + i), 2);
    }
    return `${data1}-${data2}-${data3}-${data4}`.toUpperCase();
}
/** Formats a FILETIME as ISO 8601 UTC with six truncated fraction digits. */
function formatFileTime(ticks) {
    const seconds = ticks / 10000000n;
    const micros = (ticks % 10000000n) / 10n;
    const unixMillis = (seconds - FILETIME_UNIX_EPOCH_SECONDS) * 1000n;
    const iso = new Date(Number(unixMillis)).toISOString();
    return iso.replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, '0')}Z`);
}
/** Formats a SYSTEMTIME, or returns undefined when a field is out of range. */
function formatSystemTime(view, offset) {
    const field = (index) => view.getUint16(offset + index * 2, true);
    const [year, month, day] = [field(0), field(1), field(3)];
    const [hour, minute, second] = [field(4), field(5), field(6)];
    const millis = field(7);
    if (year + month + day + hour + minute + second + millis === 0) {
        return '1601-01-01T00:00:00.000000Z';
    }
    const valid = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24;
    if (!valid || minute > 59 || second > 59 || millis > 999)
        return undefined;
    const pad = (value, digits = 2) => String(value).padStart(digits, '0');
    const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
    const time = `${pad(hour)}:${pad(minute)}:${pad(second)}`;
    return `${date}T${time}.${pad(millis, 3)}000Z`;
}
/**
 * Formats a binary SID as `S-1-5-...`, or returns undefined when the
 * sub-authority count does not fit in `size` bytes.
 */
function formatSid(view, offset, size) {
    if (size < 8)
        return undefined;
    const count = view.getUint8(offset + 1);
    if (count > 15 || 8 + 4 * count > size)
        return undefined;
    // The identifier authority is a big-endian 48-bit integer.
    const authority = view.getUint16(offset + 2, false) * 2 ** 32 +
        view.getUint32(offset + 4, false);
    let text = `S-${view.getUint8(offset)}-${authority}`;
    for (let i = 0; i < count; i++) {
        text += `-${view.getUint32(offset + 8 + 4 * i, true)}`;
    }
    return text;
}
/** Returns the number when it is exact, else its decimal text. */
function integerValue(value) {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}
/** Formats a float32 with the fewest digits that read back the same. */
function formatReal32(value) {
    if (!Number.isFinite(value))
        return String(value);
    for (let precision = 1; precision <= 9; precision++) {
        const text = value.toPrecision(precision);
        if (Math.fround(Number(text)) === value)
            return String(Number(text));
    }
    return String(value);
}
/** Decodes a fixed-size value whose size matches the type. */
function decodeFixed(view, offset, type) {
    switch (type) {
        case VALUE_TYPE.int8:
            return view.getInt8(offset);
        case VALUE_TYPE.uint8:
            return view.getUint8(offset);
        case VALUE_TYPE.int16:
            return view.getInt16(offset, true);
        case VALUE_TYPE.uint16:
            return view.getUint16(offset, true);
        case VALUE_TYPE.int32:
            return view.getInt32(offset, true);
        case VALUE_TYPE.uint32:
            return view.getUint32(offset, true);
        case VALUE_TYPE.int64:
            return integerValue(view.getBigInt64(offset, true));
        case VALUE_TYPE.uint64:
            return integerValue(view.getBigUint64(offset, true));
        case VALUE_TYPE.real32:
            return formatReal32(view.getFloat32(offset, true));
        case VALUE_TYPE.real64:
            return String(view.getFloat64(offset, true));
        case VALUE_TYPE.guid:
            return formatGuid(view, offset);
        case VALUE_TYPE.fileTime:
            return formatFileTime(view.getBigUint64(offset, true));
        case VALUE_TYPE.systemTime:
            return formatSystemTime(view, offset);
        case VALUE_TYPE.hexInt32:
            return `0x${view.getUint32(offset, true).toString(16)}`;
        case VALUE_TYPE.hexInt64:
            return `0x${view.getBigUint64(offset, true).toString(16)}`;
        default:
            return undefined;
    }
}
/** Decodes an unsigned little-endian integer of 1, 2, 4 or 8 bytes. */
function readUnsigned(view, offset, size) {
    if (size === 1)
        return BigInt(view.getUint8(offset));
    if (size === 2)
        return BigInt(view.getUint16(offset, true));
    if (size === 4)
        return BigInt(view.getUint32(offset, true));
    if (size === 8)
        return view.getBigUint64(offset, true);
    return undefined;
}
/**
 * Decodes one scalar value of `type` from `size` bytes at `offset`. Returns
 * undefined when the bytes do not fit the type, so that the caller can fall
 * back to hex text and report it.
 */
function decodeScalar(bytes, view, offset, size, type) {
    if (size === 0 || type === VALUE_TYPE.null)
        return null;
    switch (type) {
        case VALUE_TYPE.string:
            return decodeUtf16(bytes, offset, size);
        case VALUE_TYPE.ansiString:
            return ansiDecoder.decode(bytes.subarray(offset, offset + size).filter((byte) => byte !== 0));
        case VALUE_TYPE.binary:
            return hexBytes(bytes, offset, size);
        case VALUE_TYPE.sid:
            return formatSid(view, offset, size);
        case VALUE_TYPE.bool: {
            // Writers disagree on the width of Bool, so decode by the value size.
            const value = readUnsigned(view, offset, size);
            return value === undefined ? undefined : value !== 0n;
        }
        case VALUE_TYPE.sizeT: {
            if (size !== 4 && size !== 8)
                return undefined;
            return `0x${(readUnsigned(view, offset, size) ?? 0n).toString(16)}`;
        }
    }
    if (FIXED_SIZE[type] !== size)
        return undefined;
    return decodeFixed(view, offset, type);
}
/** Splits a NUL-terminated string list, keeping empty items in the middle. */
function splitTerminated(items) {
    if (items.length > 0 && items[items.length - 1] === '')
        items.pop();
    return items;
}
/** Finds the width of one item of an array of fixed-size `itemType`. */
function arrayItemSize(itemType, size) {
    // SizeT arrays do not record their width; 8 is the 64-bit Windows width.
    if (itemType === VALUE_TYPE.sizeT)
        return size % 8 === 0 ? 8 : 4;
    return FIXED_SIZE[itemType];
}
/**
 * Decodes an array value (type `0x80 | itemType`) into its items. Returns
 * undefined when the bytes cannot be split into whole items.
 */
function decodeArray(bytes, view, offset, size, itemType) {
    if (itemType === VALUE_TYPE.string) {
        const end = offset + (size & ~1);
        const text = values_utf16Decoder.decode(bytes.subarray(offset, end));
        return splitTerminated(text.split('\u0000'));
    }
    if (itemType === VALUE_TYPE.ansiString) {
        const text = ansiDecoder.decode(bytes.subarray(offset, offset + size));
        return splitTerminated(text.split('\u0000'));
    }
    if (itemType === VALUE_TYPE.sid)
        return decodeSidArray(view, offset, size);
    const itemSize = arrayItemSize(itemType, size);
    if (itemSize === undefined || size % itemSize !== 0)
        return undefined;
    const items = [];
    for (let at = offset; at < offset + size; at += itemSize) {
        const item = decodeScalar(bytes, view, at, itemSize, itemType);
        items.push(item === undefined ? hexBytes(bytes, at, itemSize) : item);
    }
    return items;
}
/** Decodes back-to-back SIDs, each sized by its own sub-authority count. */
function decodeSidArray(view, offset, size) {
    const items = [];
    let at = offset;
    while (at < offset + size) {
        const remaining = offset + size - at;
        if (remaining < 8)
            return undefined;
        const itemSize = 8 + 4 * view.getUint8(at + 1);
        const item = formatSid(view, at, Math.min(itemSize, remaining));
        if (item === undefined)
            return undefined;
        items.push(item);
        at += itemSize;
    }
    return items;
}

;// CONCATENATED MODULE: ./src/events/evtx/binxml.ts
/**
 * Parser of the EVTX binary XML token stream into template trees. Template
 * definitions are cached per chunk by their chunk offset, because later
 * records of a chunk refer back to them instead of repeating them.
 */


/** Maximum nesting of template instances, against self-including input. */
const MAX_NESTING = 16;
/** Maximum element depth inside one stream, against stack exhaustion. */
const MAX_ELEMENT_DEPTH = 256;
/** Size of a template definition header: next offset, GUID, data size. */
const DEFINITION_HEADER_SIZE = 24;
const TOKEN = {
    eof: 0x00,
    openStart: 0x01,
    closeStart: 0x02,
    closeEmpty: 0x03,
    endElement: 0x04,
    value: 0x05,
    attribute: 0x06,
    cdata: 0x07,
    charRef: 0x08,
    entityRef: 0x09,
    piTarget: 0x0a,
    piData: 0x0b,
    templateInstance: 0x0c,
    normalSubstitution: 0x0d,
    optionalSubstitution: 0x0e,
    fragmentHeader: 0x0f,
    moreData: 0x40,
};
/** Entity references decoded to characters; others stay as `&name;`. */
const ENTITIES = {
    lt: '<',
    gt: '>',
    amp: '&',
    quot: '"',
    apos: "'",
};
const hex = (value) => `0x${value.toString(16).padStart(2, '0')}`;
function fail(message, chunkOffset) {
    const located = `${message} at chunk offset ${chunkOffset}`;
    throw new BinXmlError(located, chunkOffset);
}
/**
 * Skips the start of an element up to its name: the dependency id (present
 * inside template definitions) and the data size. Files from other writers
 * place the dependency id differently, so a data size that overruns the
 * stream makes the reader try the other layout.
 */
function skipElementHeader(cursor, inTemplate) {
    const start = cursor.pos;
    const fits = (withDependency) => {
        const sizeAt = start + (withDependency ? 2 : 0);
        if (sizeAt + 4 > cursor.end)
            return false;
        const size = cursor.chunk.view.getUint32(sizeAt, true);
        return sizeAt + 4 + size <= cursor.end;
    };
    let withDependency = inTemplate;
    if (!fits(inTemplate) && fits(!inTemplate))
        withDependency = !inTemplate;
    cursor.need(withDependency ? 6 : 4, 'element header');
    cursor.pos += withDependency ? 6 : 4;
}
/** Tells whether `token` can be part of an attribute value. */
function isAttributePart(token) {
    const base = token & ~TOKEN.moreData;
    return (base === TOKEN.value ||
        base === TOKEN.charRef ||
        base === TOKEN.entityRef ||
        token === TOKEN.normalSubstitution ||
        token === TOKEN.optionalSubstitution);
}
/** Parses the value of one attribute, up to the next attribute or tag end. */
function parseAttributeParts(cursor) {
    const parts = [];
    for (let token = cursor.peek(); token !== undefined; token = cursor.peek()) {
        if (!isAttributePart(token))
            break;
        parts.push(parseCharacters(cursor));
    }
    return parts;
}
/**
 * Parses value text, a character or entity reference, CDATA or a
 * substitution.
 */
function parseCharacters(cursor) {
    const at = cursor.pos;
    const token = cursor.u8('token');
    switch (token & ~TOKEN.moreData) {
        case TOKEN.value: {
            cursor.u8('value type');
            const count = cursor.u16('text length');
            return { kind: 'text', text: cursor.utf16(count, 'text') };
        }
        case TOKEN.cdata: {
            const count = cursor.u16('CDATA length');
            return { kind: 'text', text: cursor.utf16(count, 'CDATA') };
        }
        case TOKEN.charRef: {
            const code = cursor.u16('character reference');
            return { kind: 'text', text: String.fromCharCode(code) };
        }
        case TOKEN.entityRef: {
            const name = readName(cursor);
            return { kind: 'text', text: ENTITIES[name] ?? `&${name};` };
        }
    }
    if (token === TOKEN.normalSubstitution ||
        token === TOKEN.optionalSubstitution) {
        const index = cursor.u16('substitution index');
        cursor.u8('substitution type');
        return { kind: 'substitution', index };
    }
    return fail(`unexpected token ${hex(token)}`, at);
}
/** Parses one element, from its open-start token to its end. */
function parseElement(cursor, state, inTemplate) {
    if (state.depth >= MAX_ELEMENT_DEPTH) {
        const problem = `elements nest deeper than ${MAX_ELEMENT_DEPTH} levels`;
        fail(problem, cursor.pos);
    }
    const token = cursor.u8('element token');
    skipElementHeader(cursor, inTemplate);
    const name = readName(cursor);
    const element = {
        kind: 'element',
        name,
        attributes: [],
        children: [],
    };
    if (token & TOKEN.moreData) {
        cursor.u32('attribute list size');
        while (((cursor.peek() ?? 0) & ~TOKEN.moreData) === TOKEN.attribute) {
            cursor.pos++;
            const attribute = readName(cursor);
            const parts = parseAttributeParts(cursor);
            element.attributes.push({ name: attribute, parts });
        }
    }
    const close = cursor.u8('end of start tag');
    if (close === TOKEN.closeEmpty)
        return element;
    if (close !== TOKEN.closeStart) {
        const problem = `element '${name}' has unexpected token ${hex(close)}`;
        fail(problem, cursor.pos - 1);
    }
    state.depth++;
    element.children = parseContent(cursor, state, inTemplate, 'element');
    state.depth--;
    return element;
}
/** Skips a processing instruction target or data token. */
function skipProcessingInstruction(cursor, token) {
    cursor.pos++;
    if (token === TOKEN.piTarget) {
        readName(cursor);
        return;
    }
    const count = cursor.u16('PI data length');
    cursor.need(2 * count, 'PI data');
    cursor.pos += 2 * count;
}
/**
 * Parses tokens until the end of the enclosing element (`until` is
 * 'element') or the end of the stream (EOF token or end of the bytes).
 */
function parseContent(cursor, state, inTemplate, until) {
    const nodes = [];
    for (;;) {
        const token = cursor.peek();
        if (token === undefined) {
            if (until === 'stream')
                return nodes;
            fail('element is not closed', cursor.pos);
        }
        if (token === TOKEN.eof || token === TOKEN.endElement) {
            const closes = token === TOKEN.eof ? 'stream' : 'element';
            if (closes !== until) {
                const problem = token === TOKEN.eof
                    ? 'end-of-stream token inside an open element'
                    : 'end-element token outside any element';
                fail(problem, cursor.pos);
            }
            cursor.pos++;
            return nodes;
        }
        switch (token) {
            case TOKEN.openStart:
            case TOKEN.openStart | TOKEN.moreData:
                nodes.push(parseElement(cursor, state, inTemplate));
                break;
            case TOKEN.fragmentHeader:
                cursor.need(4, 'fragment header');
                cursor.pos += 4;
                break;
            case TOKEN.templateInstance:
                nodes.push(parseTemplateInstance(cursor, state));
                break;
            case TOKEN.piTarget:
            case TOKEN.piData:
                skipProcessingInstruction(cursor, token);
                break;
            default:
                nodes.push(parseCharacters(cursor));
        }
    }
}
/** Parses the template definition at `offset`, or returns the cached one. */
function loadDefinition(chunk, offset, state) {
    if (offset + DEFINITION_HEADER_SIZE > chunk.bytes.length) {
        const message = `template definition offset ${offset} lies outside the chunk`;
        throw new BinXmlError(message, offset);
    }
    const dataSize = chunk.view.getUint32(offset + 20, true);
    const size = DEFINITION_HEADER_SIZE + dataSize;
    const cached = chunk.templates.get(offset);
    if (cached !== undefined)
        return { nodes: cached, size };
    if (chunk.parsing.has(offset)) {
        fail('template definition includes itself', offset);
    }
    if (offset + size > chunk.bytes.length) {
        const problem = `template definition of ${dataSize} bytes runs past the chunk`;
        fail(problem, offset);
    }
    chunk.parsing.add(offset);
    try {
        const bodyStart = offset + DEFINITION_HEADER_SIZE;
        const body = new Cursor(chunk, bodyStart, offset + size);
        const nodes = parseContent(body, { ...state, depth: 0 }, true, 'stream');
        chunk.templates.set(offset, nodes);
        return { nodes, size };
    }
    finally {
        chunk.parsing.delete(offset);
    }
}
/**
 * Parses a template instance: its header, the definition (inline when its
 * offset points just past the header, else a reference into the chunk) and
 * the values.
 */
function parseTemplateInstance(cursor, state) {
    if (state.nesting >= MAX_NESTING) {
        const problem = `template instances nest deeper than ${MAX_NESTING} levels`;
        fail(problem, cursor.pos);
    }
    cursor.pos++;
    cursor.u8('template instance version');
    cursor.u32('template id');
    const definitionOffset = cursor.u32('template definition offset');
    const inner = { ...state, nesting: state.nesting + 1 };
    const definition = loadDefinition(cursor.chunk, definitionOffset, inner);
    if (definitionOffset === cursor.pos) {
        cursor.need(definition.size, 'inline template definition');
        cursor.pos += definition.size;
    }
    const values = parseValues(cursor, inner);
    return { kind: 'instance', definition: definition.nodes, values };
}
/** Parses template instance data: value count, descriptors, then values. */
function parseValues(cursor, state) {
    const count = cursor.u32('value count');
    cursor.need(count * 4, `${count} value descriptors`);
    const descriptors = [];
    for (let i = 0; i < count; i++) {
        const size = cursor.u16('value size');
        const type = cursor.u8('value type');
        cursor.pos++;
        descriptors.push({ size, type });
    }
    // Always advance by the descriptor size, whatever a decoder consumed.
    const values = [];
    for (const [index, { size, type }] of descriptors.entries()) {
        cursor.need(size, `value ${index}`);
        values.push(decodeValue(cursor, size, type, index, state));
        cursor.pos += size;
    }
    return values;
}
/** Decodes one substitution value; bytes that do not fit become hex. */
function decodeValue(cursor, size, type, index, state) {
    const { bytes, view } = cursor.chunk;
    const at = cursor.pos;
    if (type === VALUE_TYPE.binXml) {
        const nested = new Cursor(cursor.chunk, at, at + size);
        const inner = { ...state, depth: 0 };
        const nodes = parseContent(nested, inner, false, 'stream');
        return { kind: 'binxml', nodes };
    }
    if (type & VALUE_TYPE.arrayFlag) {
        const itemType = type & ~VALUE_TYPE.arrayFlag;
        const items = decodeArray(bytes, view, at, size, itemType);
        if (items !== undefined)
            return { kind: 'array', items };
    }
    else {
        const value = decodeScalar(bytes, view, at, size, type);
        if (value !== undefined)
            return { kind: 'scalar', value };
    }
    state.warnings.push(`value ${index} at chunk offset ${at} has type ${hex(type)} but ${size} bytes that do not fit it; it is rendered as hex`);
    return { kind: 'scalar', value: hexBytes(bytes, at, size) };
}
/**
 * Parses the binary XML of one record between chunk offsets `start` and
 * `end`. Problems that leave the record readable go to `warnings`; others
 * throw a BinXmlError.
 */
function parseRecordBinXml(chunk, start, end, warnings) {
    const cursor = new Cursor(chunk, start, end);
    const state = { nesting: 0, depth: 0, warnings };
    return parseContent(cursor, state, false, 'stream');
}

;// CONCATENATED MODULE: ./src/events/evtx/instantiate.ts
/**
 * Maximum nodes one record may expand to. A template can refer to the same
 * embedded value many times at every nesting level, so without a cap a small
 * record could expand exponentially.
 */
const MAX_NODES_PER_RECORD = 100_000;
/** An instantiation problem that makes the record unreadable. */
class InstantiationError extends Error {
}
const NULL_VALUE = { kind: 'scalar', value: null };
/** Looks up substitution `index`, reporting an index beyond the values. */
function valueAt(index, scope, budget) {
    if (scope.arrayItem?.index === index) {
        return { kind: 'scalar', value: scope.arrayItem.value };
    }
    const value = scope.values[index];
    if (value !== undefined)
        return value;
    const count = scope.values.length;
    budget.warnings.push(`substitution ${index} refers past the ${count} values of its template instance; it is rendered empty`);
    return NULL_VALUE;
}
/** Instantiates attribute value parts into pieces. */
function attributePieces(parts, scope, budget) {
    const pieces = [];
    for (const part of parts) {
        if (part.kind === 'text')
            pieces.push(part.text);
        if (part.kind !== 'substitution')
            continue;
        const value = valueAt(part.index, scope, budget);
        if (value.kind === 'scalar')
            pieces.push(value.value);
        // NOTE: no known writer puts an array in an attribute. The items are
        // joined with spaces, as XML Schema list types are.
        if (value.kind === 'array')
            pieces.push(value.items.map(String).join(' '));
        if (value.kind === 'binxml' && value.nodes.length > 0) {
            budget.warnings.push(`substitution ${part.index} puts embedded BinXml in an attribute, where it is not allowed; it is left out`);
        }
    }
    return pieces;
}
/** Finds a substitution child whose value is an array, if any. */
function arrayChild(element, scope) {
    for (const child of element.children) {
        if (child.kind !== 'substitution')
            continue;
        if (scope.arrayItem?.index === child.index)
            continue;
        const value = scope.values[child.index];
        if (value?.kind === 'array') {
            return { index: child.index, items: value.items };
        }
    }
    return undefined;
}
/** Counts one instantiated node against the record's budget. */
function countNode(budget) {
    budget.nodes++;
    if (budget.nodes <= MAX_NODES_PER_RECORD)
        return;
    throw new InstantiationError(`the record expands to more than ${MAX_NODES_PER_RECORD} nodes`);
}
/** Builds one copy of an element in `scope`. */
function buildElement(node, scope, budget) {
    countNode(budget);
    const element = {
        name: node.name,
        attributes: node.attributes.map((attribute) => ({
            name: attribute.name,
            pieces: attributePieces(attribute.parts, scope, budget),
        })),
        children: [],
        text: [],
    };
    instantiateInto(element, node.children, scope, budget);
    return element;
}
/**
 * Adds an element to `parent`. An element whose content is an array value
 * is repeated once per item; an empty array still gives one empty element.
 */
function addElement(parent, node, scope, budget) {
    const array = arrayChild(node, scope);
    if (array === undefined) {
        parent.children.push(buildElement(node, scope, budget));
        return;
    }
    const items = array.items.length > 0 ? array.items : [null];
    for (const item of items) {
        const arrayItem = { index: array.index, value: item };
        const itemScope = { values: scope.values, arrayItem };
        parent.children.push(buildElement(node, itemScope, budget));
    }
}
/** Instantiates `nodes` as content of `parent`. */
function instantiateInto(parent, nodes, scope, budget) {
    for (const node of nodes) {
        countNode(budget);
        switch (node.kind) {
            case 'element':
                addElement(parent, node, scope, budget);
                break;
            case 'text':
                parent.text.push(node.text);
                break;
            case 'instance':
                instantiateInto(parent, node.definition, { values: node.values }, budget);
                break;
            case 'substitution':
                addSubstitution(parent, valueAt(node.index, scope, budget), budget);
        }
    }
}
/** Adds a substitution value as content: text, items, or spliced elements. */
function addSubstitution(parent, value, budget) {
    if (value.kind === 'scalar')
        parent.text.push(value.value);
    if (value.kind === 'array')
        parent.text.push(...value.items);
    if (value.kind === 'binxml') {
        instantiateInto(parent, value.nodes, { values: [] }, budget);
    }
}
/**
 * Instantiates the parsed stream of one record into a document node whose
 * children are the top-level elements (normally one `Event`).
 */
function instantiateRecord(nodes, warnings) {
    const document = {
        name: '',
        attributes: [],
        children: [],
        text: [],
    };
    instantiateInto(document, nodes, { values: [] }, { nodes: 0, warnings });
    return document;
}

;// CONCATENATED MODULE: ./src/events/evtx/render-json.ts
const isEmpty = (piece) => piece === null || piece === '';
/**
 * Joins text pieces. A text made of one typed value keeps its JSON type, a
 * text of several pieces becomes a string, and an empty text is null.
 */
function joinPieces(pieces) {
    const present = pieces.filter((piece) => !isEmpty(piece));
    if (present.length === 0)
        return null;
    if (present.length === 1)
        return present[0] ?? null;
    return present.map(String).join('');
}
/** Renders the non-empty attributes, or returns undefined if none are left. */
function renderAttributes(element) {
    let attributes;
    for (const attribute of element.attributes) {
        const value = joinPieces(attribute.pieces);
        if (value === null)
            continue;
        attributes ??= {};
        attributes[attribute.name] = value;
    }
    return attributes;
}
/** Adds a member, suffixing `_1`, `_2`, ... when the name is taken. */
function addMember(object, name, value) {
    let key = name;
    for (let n = 1; Object.hasOwn(object, key); n++)
        key = `${name}_${n}`;
    object[key] = value;
}
/** Returns the non-empty `Name` attribute of a `Data` element. */
function dataName(element) {
    const attribute = element.attributes.find((each) => each.name === 'Name');
    if (attribute === undefined)
        return undefined;
    const name = joinPieces(attribute.pieces);
    return name === null ? undefined : String(name);
}
/**
 * Adds the child elements. `Data` children are keyed by their `Name` when
 * any of them has one (unnamed ones are then dropped), else all of them
 * collapse into `Data: { '#text': value or array of values }`.
 */
function addChildren(object, children) {
    const data = children.filter((child) => child.name === 'Data');
    const named = data.some((child) => dataName(child) !== undefined);
    let unnamedAdded = false;
    for (const child of children) {
        if (child.name !== 'Data') {
            addMember(object, child.name, renderElement(child));
            continue;
        }
        if (named) {
            const name = dataName(child);
            const content = { ...child, attributes: [] };
            if (name !== undefined)
                addMember(object, name, renderElement(content));
            continue;
        }
        if (unnamedAdded)
            continue;
        unnamedAdded = true;
        const values = data.map((each) => joinPieces(each.text) ?? '');
        const text = values.length === 1 ? (values[0] ?? '') : values;
        addMember(object, 'Data', { '#text': text });
    }
}
/** Renders one element as the value of its member. */
function renderElement(element) {
    const attributes = renderAttributes(element);
    const text = joinPieces(element.text);
    if (attributes === undefined && element.children.length === 0)
        return text;
    const object = {};
    if (attributes !== undefined)
        object['#attributes'] = attributes;
    addChildren(object, element.children);
    if (text !== null)
        object['#text'] = text;
    return object;
}
/** Renders a document node's elements as members of one object. */
function renderDocument(document) {
    const object = {};
    addChildren(object, document.children);
    return object;
}

;// CONCATENATED MODULE: ./src/events/evtx/read-chunk.ts
/**
 * Reading of one 64 KiB chunk: header checks, then the event records that
 * follow the 512-byte chunk header.
 */







const CHUNK_MAGIC = 'ElfChnk\u0000';
const RECORD_MAGIC = 0x00002a2a;
const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;
const MIN_RECORD_SIZE = 28;
const CHUNK_FLAG_NO_CRC = 0x4;
/** Creates an EVTX diagnostic; binary files have no lines, so line 1. */
function evtxDiagnostic(check, severity, message) {
    return (0,diagnostic/* diagnosticAt */.R)(undefined, check, severity, message);
}
/** Tells whether every byte of `bytes` is zero. */
function isAllZero(bytes) {
    for (let i = 0; i < bytes.length; i++)
        if (bytes[i] !== 0)
            return false;
    return true;
}
/** Checks the chunk header CRC and the records CRC. */
function* checkChunkCrcs(chunk, fileOffset) {
    const { bytes, view } = chunk;
    // The header CRC skips the flags and the CRC itself at bytes 120..127.
    const headerStart = crc32(bytes.subarray(0, 120));
    const headerCrc = crc32(bytes.subarray(128, CHUNK_HEADER_SIZE), headerStart);
    const storedHeaderCrc = view.getUint32(124, true);
    if (headerCrc !== storedHeaderCrc) {
        yield evtxDiagnostic('evtx/bad-checksum', 'warning', `EVTX chunk header at byte offset ${fileOffset} has CRC-32 ${hex32(headerCrc)} but stores ${hex32(storedHeaderCrc)}, so the chunk was changed or damaged after it was written. Its records were read anyway; re-export the log if values look wrong.`);
    }
    const freeSpace = view.getUint32(48, true);
    const flags = view.getUint32(120, true);
    if (flags & CHUNK_FLAG_NO_CRC)
        return;
    if (freeSpace < CHUNK_HEADER_SIZE || freeSpace > bytes.length)
        return;
    const recordsCrc = crc32(bytes.subarray(CHUNK_HEADER_SIZE, freeSpace));
    const storedRecordsCrc = view.getUint32(52, true);
    if (recordsCrc !== storedRecordsCrc) {
        yield evtxDiagnostic('evtx/bad-checksum', 'warning', `EVTX chunk at byte offset ${fileOffset} has records CRC-32 ${hex32(recordsCrc)} but stores ${hex32(storedRecordsCrc)}, so a record was changed or damaged after it was written. The readable records were returned; re-export the log if values look wrong.`);
    }
}
const hex32 = (value) => `0x${value.toString(16).padStart(8, '0')}`;
/**
 * Reads the chunk in `bytes` (a full chunk, or the readable start of a cut
 * one) that starts at `fileOffset`, yielding its records and diagnostics.
 */
function* readChunk(bytes, fileOffset) {
    // A chunk cut inside its header has no readable records; the caller has
    // already reported the truncation.
    if (bytes.length < CHUNK_HEADER_SIZE)
        return;
    const magic = String.fromCharCode(...bytes.subarray(0, 8));
    if (magic !== CHUNK_MAGIC) {
        yield evtxDiagnostic('evtx/bad-chunk', 'error', `EVTX chunk at byte offset ${fileOffset} does not start with the chunk signature 'ElfChnk', so its records were skipped. The file is damaged; re-export the log.`);
        return;
    }
    const chunk = createChunkState(bytes);
    yield* checkChunkCrcs(chunk, fileOffset);
    yield* readRecords(chunk, fileOffset);
}
/** Walks the records from chunk offset 512 until a stop rule holds. */
function* readRecords(chunk, fileOffset) {
    const { bytes, view } = chunk;
    const lastRecordId = view.getBigUint64(32, true);
    // Writers may leave a free space offset that is too large, so zero bytes
    // at a record position end the chunk as well.
    const freeSpace = Math.min(view.getUint32(48, true), CHUNK_SIZE);
    let offset = CHUNK_HEADER_SIZE;
    while (offset < freeSpace && offset + RECORD_HEADER_SIZE <= bytes.length) {
        const magic = view.getUint32(offset, true);
        if (magic === 0)
            return;
        const problem = recordProblem(chunk, offset, magic);
        if (problem === 'cut')
            return;
        if (problem !== undefined) {
            yield skippedChunkRest(fileOffset + offset, problem);
            return;
        }
        const size = view.getUint32(offset + 4, true);
        yield* readRecord(chunk, offset, size, fileOffset);
        if (view.getBigUint64(offset + 8, true) === lastRecordId)
            return;
        offset += size;
    }
}
/**
 * Checks a record header. Returns 'cut' when the record runs past the
 * readable bytes of a truncated chunk, and a message when it is invalid.
 */
function recordProblem(chunk, offset, magic) {
    if (magic !== RECORD_MAGIC) {
        return `does not start with the record signature '**' (found ${hex32(magic)})`;
    }
    const size = chunk.view.getUint32(offset + 4, true);
    if (size < MIN_RECORD_SIZE || offset + size > CHUNK_SIZE) {
        return `has size ${size}, which does not fit between ${MIN_RECORD_SIZE} bytes and the end of the chunk`;
    }
    if (offset + size > chunk.bytes.length)
        return 'cut';
    const sizeCopy = chunk.view.getUint32(offset + size - 4, true);
    if (sizeCopy !== size) {
        return `has size ${size} but its closing copy of the size is ${sizeCopy}, so it was cut while being written`;
    }
    return undefined;
}
/** Reports a record header so broken that the rest of the chunk is lost. */
function skippedChunkRest(offset, problem) {
    return evtxDiagnostic('evtx/bad-record', 'error', `EVTX record at byte offset ${offset} ${problem}. The rest of its chunk was skipped; re-export the log or replace the fixture.`);
}
/** Parses and renders one record whose header has been checked. */
function* readRecord(chunk, offset, size, fileOffset) {
    const { view } = chunk;
    const recordId = Number(view.getBigUint64(offset + 8, true));
    const timestamp = formatFileTime(view.getBigUint64(offset + 16, true));
    const where = `EVTX record ${recordId} at byte offset ${fileOffset + offset}`;
    const warnings = [];
    let event;
    try {
        const start = offset + RECORD_HEADER_SIZE;
        const nodes = parseRecordBinXml(chunk, start, offset + size - 4, warnings);
        event = renderDocument(instantiateRecord(nodes, warnings));
    }
    catch (error) {
        yield unreadableRecord(where, error);
        return;
    }
    for (const warning of warnings) {
        yield evtxDiagnostic('evtx/bad-record', 'warning', `${where} has a damaged value: ${warning}. The record was still returned; check the value or replace the fixture.`);
    }
    yield { recordId, timestamp, event };
}
/**
 * Turns a parse failure into a diagnostic, so that the next record is still
 * read. Besides format errors this catches RangeError from reads past the
 * buffer and from stack exhaustion.
 */
function unreadableRecord(where, error) {
    const message = error instanceof Error ? error.message : String(error);
    return evtxDiagnostic('evtx/bad-record', 'error', `${where} could not be decoded: ${message}. The record was skipped and the next one read; re-export the log or replace the fixture.`);
}

;// CONCATENATED MODULE: ./src/events/evtx/index.ts



const FILE_MAGIC = 'ElfFile\u0000';
const evtx_CHUNK_MAGIC = 'ElfChnk\u0000';
const FILE_HEADER_BLOCK_SIZE = 4096;
const FILE_FLAG_DIRTY = 0x1;
const readAscii = (bytes, offset) => String.fromCharCode(...bytes.subarray(offset, offset + 8));
/** Tells whether an item from {@link iterateEvtx} is a diagnostic. */
function isDiagnostic(item) {
    return 'check' in item;
}
/**
 * Checks the file header. `head` is the start of the file (at least the
 * header block and the first chunk's signature when the file has them) and
 * `size` the file's length. Returns false when no chunk can be read: the
 * file is too short, or neither the file nor the first chunk has its
 * signature.
 */
function* checkFileHeader(head, size) {
    const hasChunk = size >= FILE_HEADER_BLOCK_SIZE + 8 &&
        head.length >= FILE_HEADER_BLOCK_SIZE + 8 &&
        readAscii(head, FILE_HEADER_BLOCK_SIZE) === evtx_CHUNK_MAGIC;
    if (size < 8 || readAscii(head, 0) !== FILE_MAGIC) {
        yield evtxDiagnostic('evtx/not-evtx', 'error', `The file does not start with the EVTX signature 'ElfFile'. Supply a Windows event log saved as .evtx (for example with 'wevtutil epl').`);
        return hasChunk;
    }
    if (size < FILE_HEADER_BLOCK_SIZE) {
        yield truncated(`The EVTX file is ${size} bytes long, shorter than its 4096-byte file header, so it contains no records. Copy the complete file again.`);
        return false;
    }
    yield* checkHeaderFields(head);
    return true;
}
/** Checks the header CRC, the dirty flag and the header block size. */
function* checkHeaderFields(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const storedCrc = view.getUint32(124, true);
    const crc = crc32(bytes.subarray(0, 120));
    if (crc !== storedCrc) {
        yield evtxDiagnostic('evtx/bad-checksum', 'warning', `The EVTX file header at byte offset 0 has CRC-32 ${evtx_hex32(crc)} but stores ${evtx_hex32(storedCrc)}, so the header was changed after it was written. The chunks were read anyway, because the header only describes them.`);
    }
    if (view.getUint32(120, true) & FILE_FLAG_DIRTY) {
        yield evtxDiagnostic('evtx/dirty-header', 'warning', `The EVTX file header at byte offset 120 has the dirty flag set, so the log was copied while open or not closed cleanly and its header counts may be stale. All chunks present were read; export the log with 'wevtutil epl' for a clean copy.`);
    }
    const blockSize = view.getUint16(40, true);
    if (blockSize !== FILE_HEADER_BLOCK_SIZE) {
        yield evtxDiagnostic('evtx/bad-header', 'warning', `The EVTX file header at byte offset 40 gives a header block size of ${blockSize} instead of 4096. Chunks were read from byte offset 4096, where Windows writes them.`);
    }
}
const evtx_hex32 = (value) => `0x${value.toString(16).padStart(8, '0')}`;
function truncated(message) {
    return evtxDiagnostic('evtx/truncated', 'error', message);
}
/**
 * Reports a file that ends on a chunk boundary but contains fewer chunks
 * than its header counts. A cut inside a chunk is reported where it is met.
 */
function* checkChunkCount(head, size) {
    if ((size - FILE_HEADER_BLOCK_SIZE) % CHUNK_SIZE !== 0)
        return;
    if (readAscii(head, 0) !== FILE_MAGIC)
        return;
    const present = (size - FILE_HEADER_BLOCK_SIZE) / CHUNK_SIZE;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const counted = view.getUint16(42, true);
    if (present < counted) {
        yield truncated(`The EVTX file ends at byte offset ${size} after ${present} chunks, but its header counts ${counted}, so the missing chunks and their records are lost. Copy the complete file again.`);
    }
}
/**
 * Reads an .evtx file record by record, yielding each record and each
 * diagnostic in file order. Damaged input gives diagnostics, because every
 * record decode is guarded. The number of chunks comes from the file size,
 * because the header count can be stale.
 */
function* iterateEvtx(bytes) {
    yield* iterateEvtxBlocks({
        size: bytes.length,
        read: (offset, length) => bytes.subarray(offset, offset + length),
    });
}
/**
 * Reads an .evtx file through `blocks` like {@link iterateEvtx}, holding one
 * 64 KiB chunk at a time, so that a large log on disk is read in bounded
 * memory.
 */
function* iterateEvtxBlocks(blocks) {
    const { size } = blocks;
    const head = blocks.read(0, FILE_HEADER_BLOCK_SIZE + 8);
    if (!(yield* checkFileHeader(head, size)))
        return;
    yield* checkChunkCount(head, size);
    for (let offset = FILE_HEADER_BLOCK_SIZE; offset < size; offset += CHUNK_SIZE) {
        const chunk = blocks.read(offset, CHUNK_SIZE);
        if (chunk.length < CHUNK_SIZE) {
            yield truncated(`The EVTX file ends at byte offset ${size}, inside the chunk that starts at byte offset ${offset} (${chunk.length} of 65536 bytes present), so records after the cut are missing. Copy the complete file again.`);
        }
        // Unused chunk slots are all zero, also between used chunks.
        if (isAllZero(chunk))
            continue;
        yield* readChunk(chunk, offset);
    }
}
/**
 * Reads all records of an .evtx file (or the first `maxRecords`), with the
 * diagnostics about damaged parts, which {@link iterateEvtx} yields.
 */
function readEvtx(bytes, options = {}) {
    const records = [];
    const diagnostics = [];
    const maxRecords = options.maxRecords ?? Infinity;
    if (maxRecords <= 0)
        return { records, diagnostics };
    for (const item of iterateEvtx(bytes)) {
        if (isDiagnostic(item)) {
            diagnostics.push(item);
            continue;
        }
        records.push(item);
        if (records.length >= maxRecords)
            break;
    }
    return { records, diagnostics };
}

// EXTERNAL MODULE: ./src/events/normalise-event.ts
var normalise_event = __webpack_require__(96426);
;// CONCATENATED MODULE: ./src/events/evtx-file.ts




/**
 * Read the records of a binary .evtx file from disk one 64 KiB chunk at a
 * time, with the reader's diagnostics about damaged parts. A file that
 * cannot be opened gives one `fixture/missing-file` diagnostic.
 */
function* iterateEvtxFile(path) {
    let descriptor;
    try {
        descriptor = (0,external_node_fs_.openSync)(path, 'r');
    }
    catch (error) {
        yield (0,event_diagnostics/* unreadableFile */._s)(path, error);
        return;
    }
    try {
        const size = (0,external_node_fs_.fstatSync)(descriptor).size;
        const read = (offset, length) => {
            const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
            const count = (0,external_node_fs_.readSync)(descriptor, buffer, 0, buffer.length, offset);
            return buffer.subarray(0, count);
        };
        yield* iterateEvtxBlocks({ size, read });
    }
    finally {
        (0,external_node_fs_.closeSync)(descriptor);
    }
}
/**
 * Read a binary .evtx file as events: each record normalised, in file
 * order, with `index` counting the records. Diagnostics name `path`.
 */
function* streamEvtxFile(path) {
    let index = 0;
    for (const item of iterateEvtxFile(path)) {
        if (isDiagnostic(item)) {
            yield { ...item, file: item.file ?? path };
            continue;
        }
        const event = item.event;
        if ((0,normalise_event/* isJsonObject */.OW)(event))
            yield { event: (0,normalise_event/* normaliseEvent */.zO)(event), index };
        index++;
    }
}
/**
 * Read all records of a binary .evtx file, for the `EvtxReader` hook of
 * `loadEventFile`. It holds every record in memory; `streamEvtxFile` does not.
 */
const readEvtxFile = async (path) => {
    const records = [];
    const diagnostics = [];
    for (const item of iterateEvtxFile(path)) {
        if (isDiagnostic(item))
            diagnostics.push({ ...item, file: item.file ?? path });
        else
            records.push(item.event);
    }
    return { records, diagnostics };
};


/***/ })

};
