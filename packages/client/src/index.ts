export { MarqueeApiError } from './api-error.js';
export { MarqueeClient } from './marquee-client.js';
export type { InferOptions, InferResult, ModelMetadata } from './oip-client.js';
export { decodeInferResponse, OipClient, oipModelName } from './oip-client.js';
export type { OipTensor, TypedTensorData } from './oip-tensors.js';
export { fromRawBytes, toRawBytes } from './oip-tensors.js';
export type { ClientOptions } from './transport.js';
export type * from './types.js';
