/** Injection tokens the service runtime provides to every service. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const KAFKA = Symbol('KAFKA');
export const LOGGER = Symbol('LOGGER');
export const TOPICS = Symbol('TOPICS');
