// The tables of the HTML report: the summary (one row per variant, each machine's own facts), and per
// variant the verdicts, the derived stages, the rendered console and the event log.
// Internal to the HTML reports (html_report.cpp); not a public interface.
#pragma once

#include <vector>

#include "reports/html_timeline.h"

namespace bootsim::reports::html {

/// One row per variant: verdict counts, exit, configuring, DHCP, link, drops, faults, last console line;
/// with several machines each cell has a line per machine, from that machine's facts (sim/facts); a fleet
/// (VariantLayout::fleet) counts the machines' answers instead.
void summary_table(xml_node body, const std::vector<VariantLayout>& layouts);
/// `fleet`: the variant's machines when it is drawn as a fleet: evidence digested (evidence_digest.h).
void verdict_table(xml_node parent, const VariantRun& v, const std::vector<std::string>* fleet = nullptr);
void stage_table(xml_node parent, const Timeline& tl);
void console_block(xml_node parent, const Timeline& tl);
/// The first `max_rows` events in a collapsed table.
void event_log(xml_node parent, const VariantRun& v, const Timeline& tl, size_t max_rows = 4000);

}  // namespace bootsim::reports::html
