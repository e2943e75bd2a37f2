/** The service's tables: none yet (migration 0001 dropped `processed_messages`, an inbox nothing used). */
export {};
