// SPDX-License-Identifier: GPL-3.0-or-later
#include "patternregistry.h"

#include "pattern.h"

#include <algorithm>
#include <vector>

namespace PatternScope::PatternRegistry {

namespace {

struct Entry {
    int order = 0;
    PatternInfo info;
    Factory create;
};

// Filled by the registrations before main() runs, read only after: no lock needed.
struct Registry {
    std::vector<Entry> entries; // by order
    QList<PatternInfo> infos; // the same order
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

const Entry* entry(const QString& id)
{
    for (const Entry& e : registry().entries) {
        if (e.info.id == id)
            return &e;
    }
    return nullptr;
}

} // namespace

bool add(int order, PatternInfo info, Factory create)
{
    Registry& r = registry();
    Q_ASSERT_X(!entry(info.id), "PatternRegistry::add", "a pattern id is registered twice");
    const auto at = std::upper_bound(
        r.entries.begin(), r.entries.end(), order, [](int o, const Entry& e) { return o < e.order; });
    const auto index = at - r.entries.begin();
    r.infos.insert(index, info);
    r.entries.insert(at, Entry { order, std::move(info), std::move(create) });
    return true;
}

const QList<PatternInfo>& all()
{
    return registry().infos;
}

const PatternInfo* find(const QString& id)
{
    const Entry* e = entry(id);
    if (!e)
        return nullptr;
    return &registry().infos.at(e - registry().entries.data());
}

QStringList ids()
{
    QStringList result;
    for (const Entry& e : registry().entries)
        result.append(e.info.id);
    return result;
}

std::unique_ptr<Pattern> create(const QString& id, const PatternContext& context)
{
    const Entry* e = entry(id);
    return e ? e->create(context) : nullptr;
}

} // namespace PatternScope::PatternRegistry
