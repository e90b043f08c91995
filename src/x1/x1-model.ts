/**
 * X1 data as msrptap keeps it (ETSI TS 103 221-1 clause 6.2/6.3 field names): what the decoder
 * returns, the store holds, the state file persists (plain JSON) and the encoder writes back.
 */

/** TS 103 221-1 error codes msrptap answers with (Annex on error codes, see li-standards.md 8). */
export const X1_ERR = {
  generic: 1000,
  schema: 1010,
  version: 1020,
  admfMismatch: 1030,
  admfUnexpected: 1040,
  neMismatch: 1050,
  neUnexpected: 1060,
  unsupportedRequest: 1080,
  xidExists: 2010,
  xidUnknown: 2020,
  didExists: 2030,
  didUnknown: 2040,
  activateFailure: 3000,
  modifyFailure: 3001,
  targetType: 3010,
  combination: 3020,
  deliveryTypeNotCovered: 3040,
  deactivateFailure: 4000,
  createDestinationFailure: 6000,
  modifyDestinationFailure: 6001,
  addressType: 6020,
  removeDestinationFailure: 7000,
  destinationInUse: 7010,
  keepalivesMissing: 9050,
} as const;

/** One X1 error: code and a description without identities. */
export interface X1Error {
  readonly code: number;
  readonly description: string;
}

export type X2X3DeliveryType = 'X2Only' | 'X3Only' | 'X2andX3';
export type HiDeliveryType = 'HI2Only' | 'HI3Only' | 'HI2andHI3';

/** TargetIdentifier choices msrptap intercepts on (others: 3010). */
export const SUPPORTED_TARGET_KINDS = ['sipUri', 'telUri', 'impu', 'impi', 'e164Number'] as const;
export type X1TargetKind = (typeof SUPPORTED_TARGET_KINDS)[number];

export interface X1Target {
  readonly kind: X1TargetKind;
  readonly value: string;
}

/**
 * One X1 `Extension` (TS_103_221_01.xsd v1.22.1, complexType Extension: `Owner`, then any
 * elements of another namespace), in the flat form msrptap writes and reads: simple elements of
 * one foreign namespace `ns`, in order. Kept only when the decoder is asked to (the LI_T3
 * trigger codec); the X1 NE ignores task extensions.
 */
export interface X1Extension {
  readonly owner: string;
  readonly ns: string;
  readonly items: readonly { readonly local: string; readonly text: string }[];
}

/**
 * One `mediationDetails` entry of `listOfMediationDetails`. The fields keep the names the state
 * file has always used; on the wire they are `LIID`, `deliveryType`, `StartTime`, `EndTime`,
 * `listOfDIDs` (TS_103_221_01.xsd v1.22.1, complexType MediationDetails).
 */
export interface X1MediationDetails {
  readonly lIID: string;
  readonly deliveryType: HiDeliveryType;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly listOfDIDs?: readonly string[];
}

/** `taskDetails` (xs:sequence order). */
export interface X1TaskDetails {
  readonly xId: string;
  readonly targetIdentifiers: readonly X1Target[];
  readonly deliveryType: X2X3DeliveryType;
  readonly listOfDIDs: readonly string[];
  readonly listOfMediationDetails?: readonly X1MediationDetails[];
  readonly correlationID?: string;
  readonly implicitDeactivationAllowed?: boolean;
  readonly productID?: string;
  /** `targetIdentifierExtension` choices of `targetIdentifiers`, written after the standard ones. */
  readonly targetExtensions?: readonly X1Extension[];
  readonly taskDetailsExtensions?: readonly X1Extension[];
}

/** `destinationDetails` with an `ipAddressAndPort` delivery address (the only kind msrptap delivers to). */
export interface X1DestinationDetails {
  readonly dId: string;
  readonly friendlyName?: string;
  readonly deliveryType: X2X3DeliveryType;
  readonly address: { readonly kind: 'IPv4Address' | 'IPv6Address'; readonly value: string };
  readonly port: { readonly kind: 'TCPPort'; readonly value: number };
}

/** Message header (clause 6.1.2), in order. */
export interface X1Header {
  readonly admfIdentifier: string;
  readonly neIdentifier: string;
  readonly messageTimestamp: string;
  readonly version: string;
  readonly x1TransactionId: string;
}

/**
 * `RequestMessageType` of the XSD (TS_103_221_01.xsd v1.22.1, simpleType RequestMessageType):
 * the only values an ErrorResponse's requestMessageType may carry.
 */
export const REQUEST_MESSAGE_TYPES = [
  'ActivateTask',
  'ModifyTask',
  'DeactivateTask',
  'DeactivateAllTasks',
  'GetTaskDetails',
  'CreateDestination',
  'ModifyDestination',
  'RemoveDestination',
  'RemoveAllDestinations',
  'GetDestinationDetails',
  'GetNEStatus',
  'GetAllDetails',
  'GetAllTaskDetails',
  'GetAllDestinationDetails',
  'GetAllGenericObjectDetails',
  'ListAllDetails',
  'ReportTaskIssue',
  'ReportDestinationIssue',
  'ReportNEIssue',
  'Ping',
  'Keepalive',
  'CreateObject',
  'ModifyObject',
  'GetObject',
  'DeleteObject',
  'ListObjectsOfType',
  'DeleteAllObjects',
  'ExtendedRequestMessageType',
] as const;

/**
 * `TaskReportType` of the XSD (v1.22.1): the type of ReportTaskIssue's taskReportType and also
 * of ReportDestinationIssue's destinationReportType (the XSD has no DestinationReportType).
 */
export const TASK_REPORT_TYPES = ['AllClear', 'Warning', 'NonTerminatingFault', 'TerminatingFault', 'ImplicitDeactivation', 'FullyActionedAndSuccessful', 'FullyActionedAndUnsuccessful'] as const;
export type TaskReportType = (typeof TASK_REPORT_TYPES)[number];

/** `TypeOfNeIssueMessage` of the XSD (v1.22.1), ReportNEIssue's typeOfNeIssueMessage. */
export const NE_ISSUE_TYPES = ['Warning', 'FaultCleared', 'FaultReport', 'Alert'] as const;
export type NeIssueType = (typeof NE_ISSUE_TYPES)[number];

/** The request types msrptap supports (`<Name>Request` on the wire). */
export const SUPPORTED_REQUESTS = [
  'Ping',
  'Keepalive',
  'ActivateTask',
  'ModifyTask',
  'DeactivateTask',
  'DeactivateAllTasks',
  'GetTaskDetails',
  'CreateDestination',
  'ModifyDestination',
  'RemoveDestination',
  'RemoveAllDestinations',
  'GetDestinationDetails',
  'GetAllDetails',
  'ListAllDetails',
  'GetNEStatus',
] as const;
export type X1RequestType = (typeof SUPPORTED_REQUESTS)[number];

/** A decoded request message. */
export type X1Request =
  | { readonly type: 'ActivateTask' | 'ModifyTask'; readonly header: X1Header; readonly taskDetails: X1TaskDetails }
  | { readonly type: 'DeactivateTask' | 'GetTaskDetails'; readonly header: X1Header; readonly xId: string }
  | { readonly type: 'CreateDestination' | 'ModifyDestination'; readonly header: X1Header; readonly destinationDetails: X1DestinationDetails }
  | { readonly type: 'RemoveDestination' | 'GetDestinationDetails'; readonly header: X1Header; readonly dId: string }
  | {
      readonly type: 'Ping' | 'Keepalive' | 'DeactivateAllTasks' | 'RemoveAllDestinations' | 'GetAllDetails' | 'ListAllDetails' | 'GetNEStatus';
      readonly header: X1Header;
    };
