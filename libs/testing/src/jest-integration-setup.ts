// Integration tests talk to real brokers and databases: give them room.
jest.setTimeout(120_000);
