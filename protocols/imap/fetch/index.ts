// Public surface of FETCH support: encoders, section resolution, the response producer.

export { encodeBodyStructure, encodeEnvelope } from './body-structure.js';
export { Base64Decoder, QuotedPrintableDecoder, decoderFor } from './decode.js';
export { bodySection, bytesContent, FetchMessage, sectionSpan, UnknownCteError } from './section.js';
export type { SectionContent } from './section.js';
export { binarySection, binarySize, planBinary } from './binary.js';
export type { BinaryCache } from './binary.js';
export { messageFlags, sectionName, setsSeen, writeFetchResponse } from './producer.js';
export type { FetchResponseOptions, FetchWriter } from './producer.js';
