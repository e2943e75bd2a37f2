CREATE TABLE "reading_hours" (
	"logger_id" text COLLATE "C" NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"first_time" timestamp with time zone NOT NULL,
	"last_time" timestamp with time zone NOT NULL,
	"last_celsius" double precision NOT NULL,
	"last_min_celsius" double precision,
	"last_max_celsius" double precision,
	"block_low" double precision,
	"block_high" double precision,
	"block_peak" double precision,
	"block_celsius_ms" double precision,
	"block_arrhenius_ms" double precision,
	"spacings" bigint[] NOT NULL,
	"spacing_counts" integer[] NOT NULL,
	CONSTRAINT "reading_hours_logger_id_hour_pk" PRIMARY KEY("logger_id","hour")
);
--> statement-breakpoint
-- Hand-written: the hourly summaries of the readings already stored, as libs/temperature summariseHour makes them
-- (ΔH 83.144 kJ/mol, R 8.3144 J/(mol·K); hours in UTC).
WITH r AS (
	SELECT logger_id, date_trunc('hour', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, time, celsius, min_celsius,
		max_celsius, lead(time) OVER w AS next
	FROM readings
	WINDOW w AS (PARTITION BY logger_id, date_trunc('hour', time AT TIME ZONE 'UTC') ORDER BY time)
), spaced AS (
	SELECT *, (extract(epoch FROM next - time) * 1000)::float8 AS ms FROM r
), s AS (
	SELECT logger_id, hour, ms::bigint AS spacing, count(*)::int AS n FROM spaced WHERE next IS NOT NULL GROUP BY 1, 2, 3
)
INSERT INTO "reading_hours"
SELECT h.logger_id, h.hour, count(*)::int, min(h.time), max(h.time),
	(array_agg(h.celsius ORDER BY h.time DESC))[1],
	(array_agg(h.min_celsius ORDER BY h.time DESC))[1],
	(array_agg(h.max_celsius ORDER BY h.time DESC))[1],
	min(COALESCE(h.min_celsius, h.celsius)) FILTER (WHERE h.next IS NOT NULL),
	max(COALESCE(h.max_celsius, h.celsius)) FILTER (WHERE h.next IS NOT NULL),
	max(h.celsius) FILTER (WHERE h.next IS NOT NULL),
	sum(h.celsius * h.ms) FILTER (WHERE h.next IS NOT NULL),
	sum(exp(-(83.144 * 1000 / 8.3144) / (h.celsius + 273.15)) * h.ms) FILTER (WHERE h.next IS NOT NULL),
	COALESCE((SELECT array_agg(s.spacing ORDER BY s.spacing) FROM s WHERE s.logger_id = h.logger_id AND s.hour = h.hour), '{}'),
	COALESCE((SELECT array_agg(s.n ORDER BY s.spacing) FROM s WHERE s.logger_id = h.logger_id AND s.hour = h.hour), '{}')
FROM spaced h
GROUP BY h.logger_id, h.hour;
