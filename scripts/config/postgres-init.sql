-- One database per service (used by docker-compose; scripts/stack.sh creates the same ones).
CREATE DATABASE pedigree_serialization;
CREATE DATABASE pedigree_cold_chain;
CREATE DATABASE pedigree_recall;
CREATE DATABASE pedigree_ledger_writer;
