/** The LI record model: plain types and validators, no encoding. */
export * from './direction.js';
export * from './task-ref.js';
export * from './network-context.js';
export * from './ims-identity.js';
export * from './iri-event.js';
export * from './cc-event.js';
export * from './li-record.js';
export * from './uuid.js';
export * from './validate-record.js';
