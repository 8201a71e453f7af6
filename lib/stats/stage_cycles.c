/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */
#include "pg_stage_cycles.h"

const char *const pg_stage_names[PG_STAGE_MAX] = {
#define PG_STAGE_NAME(name, help) [PG_STAGE_##name] = #name,
	PG_STAGES(PG_STAGE_NAME)
#undef PG_STAGE_NAME
};

const char *const pg_stage_help[PG_STAGE_MAX] = {
#define PG_STAGE_HELP(name, help) [PG_STAGE_##name] = help,
	PG_STAGES(PG_STAGE_HELP)
#undef PG_STAGE_HELP
};

void
pg_stage_sum(const struct pg_stage_cycles *sc, struct pg_stage_total *out)
{
	unsigned int i;

	for (i = 0; i < PG_STAGE_MAX; i++) {
		const uint64_t c = __atomic_load_n(&sc->s[i].cycles, __ATOMIC_RELAXED);

		out->s[i].cycles += c;
		out->s[i].pkts += __atomic_load_n(&sc->s[i].pkts, __ATOMIC_RELAXED);
		out->s[i].calls += __atomic_load_n(&sc->s[i].calls, __ATOMIC_RELAXED);
		out->cycles += c;
	}
}
