/**
 * CBV 2.0 vocabularies (GS1 Core Business Vocabulary 2.0, §7–§8) and the GS1 Web Vocabulary code lists that
 * EPCIS 2.0 uses for sensor data, as the bare words of the EPCIS 2.0 JSON-LD context. The lists follow the
 * GS1 CBV JSON-LD contexts (cbv-context-*.jsonld, gs1-context-*.jsonld).
 */

/** CBV 2.0 §7.2 business steps. */
export const CBV_BIZ_STEPS = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'sampling',
  'sensor_reporting',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
] as const;
export type CbvBizStep = (typeof CBV_BIZ_STEPS)[number];

/** CBV 2.0 §7.3 dispositions. */
export const CBV_DISPOSITIONS = [
  'active',
  'available',
  'completeness_inferred',
  'completeness_verified',
  'conformant',
  'container_closed',
  'container_open',
  'damaged',
  'destroyed',
  'dispensed',
  'disposed',
  'encoded',
  'expired',
  'in_progress',
  'in_transit',
  'inactive',
  'mismatch_class',
  'mismatch_instance',
  'mismatch_quantity',
  'needs_replacement',
  'no_pedigree_match',
  'non_conformant',
  'non_sellable_other',
  'partially_dispensed',
  'recalled',
  'reserved',
  'retail_sold',
  'returned',
  'sellable_accessible',
  'sellable_not_accessible',
  'stolen',
  'unavailable',
  'unknown',
] as const;
export type CbvDisposition = (typeof CBV_DISPOSITIONS)[number];

/** CBV 2.0 §7.4 business transaction types. */
export const CBV_BIZ_TRANSACTION_TYPES = [
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testres',
  'upevt',
] as const;
export type CbvBizTransactionType = (typeof CBV_BIZ_TRANSACTION_TYPES)[number];

/** CBV 2.0 §7.5 source/destination types. */
export const CBV_SOURCE_DEST_TYPES = ['owning_party', 'possessing_party', 'location'] as const;
export type CbvSourceDestType = (typeof CBV_SOURCE_DEST_TYPES)[number];

/** CBV 2.0 §7.6 error reasons. */
export const CBV_ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const;
export type CbvErrorReason = (typeof CBV_ERROR_REASONS)[number];

/** CBV 2.0 §7.7 sensor report components. */
export const CBV_COMPONENTS = [
  'x',
  'y',
  'z',
  'axial_distance',
  'azimuth',
  'height',
  'spherical_radius',
  'polar_angle',
  'elevation_angle',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'altitude',
] as const;
export type CbvComponent = (typeof CBV_COMPONENTS)[number];

/** GS1 Web Vocabulary `gs1:MeasurementType` code list used by sensorReport `type` (EPCIS 2.0 §7.3.8). */
export const GS1_MEASUREMENT_TYPES = [
  'AbsoluteHumidity',
  'AbsorbedDose',
  'AbsorbedDoseRate',
  'Acceleration',
  'Radioactivity',
  'Altitude',
  'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume',
  'Angle',
  'AngularAcceleration',
  'AngularMomentum',
  'AngularVelocity',
  'Area',
  'Capacitance',
  'Conductance',
  'Conductivity',
  'Count',
  'Density',
  'Dimensionless',
  'DoseEquivalent',
  'DoseEquivalentRate',
  'DynamicViscosity',
  'ElectricCharge',
  'ElectricCurrent',
  'ElectricCurrentDensity',
  'ElectricFieldStrength',
  'Energy',
  'Exposure',
  'Force',
  'Frequency',
  'Illuminance',
  'Inductance',
  'Irradiance',
  'KinematicViscosity',
  'Length',
  'LinearMomentum',
  'Luminance',
  'LuminousFlux',
  'LuminousIntensity',
  'MagneticFlux',
  'MagneticFluxDensity',
  'MagneticVectorPotential',
  'Mass',
  'MassConcentration',
  'MassFlowRate',
  'MassPerAreaTime',
  'MemoryCapacity',
  'MolalityOfSolute',
  'MolarEnergy',
  'MolarMass',
  'MolarVolume',
  'Power',
  'Pressure',
  'RadiantFlux',
  'RadiantIntensity',
  'RelativeHumidity',
  'Resistance',
  'Resistivity',
  'SolidAngle',
  'SpecificVolume',
  'Speed',
  'SurfaceDensity',
  'SurfaceTension',
  'Temperature',
  'Time',
  'Torque',
  'Voltage',
  'Volume',
  'VolumeFlowRate',
  'VolumeFraction',
  'VolumetricFlux',
  'Wavenumber',
] as const;
export type Gs1MeasurementType = (typeof GS1_MEASUREMENT_TYPES)[number];

/** GS1 Web Vocabulary `gs1:SensorAlertType` code list used by sensorReport `exception`. */
export const GS1_SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'] as const;
export type Gs1SensorAlertType = (typeof GS1_SENSOR_ALERT_TYPES)[number];

/** The vocabularies whose values may be written as bare words in EPCIS 2.0 JSON-LD. */
export type CbvVocabularyKind =
  | 'bizStep'
  | 'disposition'
  | 'bizTransactionType'
  | 'sourceDestType'
  | 'errorReason'
  | 'component'
  | 'measurementType'
  | 'sensorAlertType';

export interface CbvVocabularyDefinition {
  kind: CbvVocabularyKind;
  /** Human-readable name, used in messages. */
  label: string;
  words: readonly string[];
  /** Namespace of the full Web URI form: `uriPrefix + word`. */
  uriPrefix: string;
  /** CURIE form: `curiePrefix + word`, with the prefix declared by the EPCIS 2.0 context. */
  curiePrefix: string;
  /** EPCIS 1.x / CBV 1.x URN form (`urn:epcglobal:cbv:bizstep:` + word); absent for vocabularies new in 2.0. */
  urnPrefix?: string;
}

export const CBV_NAMESPACE = 'https://ref.gs1.org/cbv/';
export const GS1_VOC_NAMESPACE = 'https://gs1.org/voc/';

export const CBV_VOCABULARIES: Readonly<Record<CbvVocabularyKind, CbvVocabularyDefinition>> = {
  bizStep: {
    kind: 'bizStep',
    label: 'CBV business step',
    words: CBV_BIZ_STEPS,
    uriPrefix: `${CBV_NAMESPACE}BizStep-`,
    curiePrefix: 'cbv:BizStep-',
    urnPrefix: 'urn:epcglobal:cbv:bizstep:',
  },
  disposition: {
    kind: 'disposition',
    label: 'CBV disposition',
    words: CBV_DISPOSITIONS,
    uriPrefix: `${CBV_NAMESPACE}Disp-`,
    curiePrefix: 'cbv:Disp-',
    urnPrefix: 'urn:epcglobal:cbv:disp:',
  },
  bizTransactionType: {
    kind: 'bizTransactionType',
    label: 'CBV business transaction type',
    words: CBV_BIZ_TRANSACTION_TYPES,
    uriPrefix: `${CBV_NAMESPACE}BTT-`,
    curiePrefix: 'cbv:BTT-',
    urnPrefix: 'urn:epcglobal:cbv:btt:',
  },
  sourceDestType: {
    kind: 'sourceDestType',
    label: 'CBV source/destination type',
    words: CBV_SOURCE_DEST_TYPES,
    uriPrefix: `${CBV_NAMESPACE}SDT-`,
    curiePrefix: 'cbv:SDT-',
    urnPrefix: 'urn:epcglobal:cbv:sdt:',
  },
  errorReason: {
    kind: 'errorReason',
    label: 'CBV error reason',
    words: CBV_ERROR_REASONS,
    uriPrefix: `${CBV_NAMESPACE}ER-`,
    curiePrefix: 'cbv:ER-',
    urnPrefix: 'urn:epcglobal:cbv:er:',
  },
  component: {
    kind: 'component',
    label: 'CBV sensor component',
    words: CBV_COMPONENTS,
    uriPrefix: `${CBV_NAMESPACE}Comp-`,
    curiePrefix: 'cbv:Comp-',
  },
  measurementType: {
    kind: 'measurementType',
    label: 'GS1 sensor measurement type',
    words: GS1_MEASUREMENT_TYPES,
    uriPrefix: GS1_VOC_NAMESPACE,
    curiePrefix: 'gs1:',
  },
  sensorAlertType: {
    kind: 'sensorAlertType',
    label: 'GS1 sensor alert type',
    words: GS1_SENSOR_ALERT_TYPES,
    uriPrefix: GS1_VOC_NAMESPACE,
    curiePrefix: 'gs1:',
  },
};

const wordSets = new Map<CbvVocabularyKind, ReadonlySet<string>>(
  Object.values(CBV_VOCABULARIES).map((v) => [v.kind, new Set(v.words)]),
);

/** Whether `word` is a bare word of the given CBV / GS1 vocabulary (case-sensitive, as the standard is). */
export function isCbvWord(kind: CbvVocabularyKind, word: string): boolean {
  return wordSets.get(kind)?.has(word) ?? false;
}
