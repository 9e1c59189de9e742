// Public surface of FETCH support: encoders, section resolution, the response producer.

export { encodeBodyStructure, encodeEnvelope } from './body-structure.js';
export { Base64Decoder, QuotedPrintableDecoder, decoderFor } from './decode.js';
export { binarySection, binarySize, bodySection, FetchMessage, UnknownCteError } from './section.js';
export type { BinaryCache, SectionContent } from './section.js';
export { messageFlags, needsContent, sectionName, setsSeen, writeFetchResponse } from './producer.js';
export type { FetchResponseOptions, FetchWriter } from './producer.js';
