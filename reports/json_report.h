// Machine-readable timeline and verdicts of a scenario run (schema: reports/README.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/report_model.h"

namespace bootsim::reports {

/// {"schema": "bootsim-report/1", scenario, file, description, seed, overrides: [{path, value}], variants: [{variant, description,
///  exit_reason, start_ns, end_ns, machines, stages, links, markers, console, verdicts, counts, artifacts,
///  unknown_kinds}]}
nlohmann::ordered_json report_json(const ScenarioReport& report);
/// report_json(report).dump(2), byte for byte (a long list of markers is written on two threads).
std::string render_json(const ScenarioReport& report);

}  // namespace bootsim::reports
