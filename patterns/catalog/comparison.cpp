// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparison.h"

#include "linkemulator.h"
#include "patternregistry.h"
#include "trace.h"

#include <QSet>
#include <algorithm>

namespace PatternScope {

namespace {

const QString kPubSub = QStringLiteral("publish-subscribe");

bool assign(ParameterSet* parameters, const QString& name, const QString& value, QString* error)
{
    return parameters->assign(QString(name + u'=' + value), error);
}

// The longest an item produced just before production ends can take to reach every client.
qint64 lastItemMs(const QString& patternId, const ParameterSet& p)
{
    const qint64 latency = p.value(QStringLiteral("latency")) + p.value(QStringLiteral("jitter"));
    if (patternId == QLatin1String("short-polling")) {
        const qint64 processing = p.value(QStringLiteral("processing"));
        return std::max(p.value(QStringLiteral("poll")), 2 * latency + processing) + processing + latency;
    }
    if (patternId == QLatin1String("long-polling"))
        return 3 * latency;
    if (patternId == kPubSub)
        return 2 * latency;
    return latency;
}

} // namespace

ComparisonRun::ComparisonRun(QObject* parent)
    : QObject(parent)
{
    m_end.setSingleShot(true);
    connect(&m_end, &QTimer::timeout, this, &ComparisonRun::stop);
}

QStringList ComparisonRun::comparablePatterns()
{
    return { QStringLiteral("short-polling"), QStringLiteral("long-polling"), QStringLiteral("server-sent-events"),
        QStringLiteral("websockets"), kPubSub };
}

bool ComparisonRun::parametersFor(
    const QString& patternId, const Workload& workload, ParameterSet* parameters, QString* error)
{
    const PatternInfo* info = PatternRegistry::find(patternId);
    if (!info || !comparablePatterns().contains(patternId)) {
        *error = QStringLiteral("'%1' is not a pattern that delivers items (comparable: %2)")
                     .arg(patternId, comparablePatterns().join(QStringLiteral(", ")));
        return false;
    }
    *parameters = ParameterSet(info->parameters);
    // The same clients everywhere: one subscriber, like one client; every item on one topic it takes.
    if (patternId == kPubSub) {
        for (const auto& [name, value] : { qMakePair(QStringLiteral("publishers"), QStringLiteral("1")),
                 qMakePair(QStringLiteral("subscribers"), QStringLiteral("1")),
                 qMakePair(QStringLiteral("topics"), QStringLiteral("1")),
                 qMakePair(QStringLiteral("subscriptions"), QStringLiteral("all")) }) {
            if (!assign(parameters, name, value, error))
                return false;
        }
    }
    // Only the items cross: WebSocket clients send no chat of their own.
    if (patternId == QLatin1String("websockets")
        && !assign(parameters, QStringLiteral("send"), QStringLiteral("0ms"), error))
        return false;
    for (const auto& [name, value] : workload.settings) {
        QString target = name;
        if (patternId == kPubSub && name == QLatin1String("clients"))
            target = QStringLiteral("subscribers");
        if (!parameters->spec(target))
            continue;
        QString reason;
        if (!assign(parameters, target, value, &reason)) {
            *error = QStringLiteral("%1 (for %2)").arg(reason, patternId);
            return false;
        }
    }
    return true;
}

bool ComparisonRun::validate(const QStringList& patternIds, const Workload& workload, QString* error)
{
    if (patternIds.isEmpty()) {
        *error
            = QStringLiteral("which patterns? (comparable: %1)").arg(comparablePatterns().join(QStringLiteral(", ")));
        return false;
    }
    if (QSet<QString>(patternIds.begin(), patternIds.end()).size() != patternIds.size()) {
        *error = QStringLiteral("a pattern is named twice: %1").arg(patternIds.join(QStringLiteral(" ")));
        return false;
    }
    if (workload.durationMs < 0) {
        *error = QStringLiteral("the duration cannot be negative");
        return false;
    }
    QSet<QString> known { QStringLiteral("clients") };
    for (const QString& id : patternIds) {
        ParameterSet parameters;
        if (!parametersFor(id, workload, &parameters, error))
            return false;
        for (const ParameterSpec& spec : parameters.specs())
            known.insert(spec.name);
    }
    for (const auto& setting : workload.settings) {
        if (!known.contains(setting.first)) {
            QStringList names(known.begin(), known.end());
            names.sort();
            *error = QStringLiteral("no pattern here has a parameter '%1' (they have: %2)")
                         .arg(setting.first, names.join(QStringLiteral(", ")));
            return false;
        }
    }
    for (qint64 cut : workload.cutsAtMs) {
        if (cut < 0 || (workload.durationMs > 0 && cut > workload.durationMs)) {
            *error = QStringLiteral("a cut at %1 ms is outside the run (0 to %2 ms)").arg(cut).arg(workload.durationMs);
            return false;
        }
    }
    return true;
}

bool ComparisonRun::start(const QStringList& patternIds, const Workload& workload, QString* error)
{
    if (m_running) {
        *error = QStringLiteral("a comparison is already running");
        return false;
    }
    if (!validate(patternIds, workload, error))
        return false;
    m_entries.clear();
    m_workload = workload;
    m_finished = 0;
    m_drainMs = 0;
    qint64 reconnectMs = 0;
    for (const QString& id : patternIds) {
        Entry entry;
        entry.patternId = id;
        parametersFor(id, workload, &entry.parameters, error);
        m_drainMs = std::max(m_drainMs, lastItemMs(id, entry.parameters));
        for (const char* name : { "retry", "reconnect" })
            reconnectMs = std::max(reconnectMs, entry.parameters.value(QLatin1String(name)));
        entry.run = std::make_unique<Run>();
        entry.run->setProduceFor(workload.durationMs);
        m_entries.push_back(std::move(entry));
    }
    // A second for the machinery, and after a cut the reconnect wait.
    m_drainMs += 1000 + (workload.cutsAtMs.isEmpty() ? 0 : reconnectMs);

    // All in this one event-loop turn: the runs' clocks start within the time it takes to listen.
    for (Entry& entry : m_entries) {
        if (!entry.run->start(*PatternRegistry::find(entry.patternId), entry.parameters, workload.seed, error)) {
            *error = QStringLiteral("cannot start %1: %2").arg(entry.patternId, *error);
            m_entries.clear();
            return false;
        }
        connect(entry.run.get(), &Run::finished, this, &ComparisonRun::runFinished);
    }
    m_running = true;
    for (qint64 at : workload.cutsAtMs) {
        QTimer::singleShot(int(at), this, [this] {
            for (Entry& entry : m_entries) {
                if (!entry.run->isRunning())
                    continue;
                entry.run->trace()->addNote(-1, QStringLiteral("workload: every link cut"));
                entry.run->links()->cutAll();
            }
        });
    }
    if (workload.durationMs > 0)
        m_end.start(int(workload.durationMs + m_drainMs));
    return true;
}

void ComparisonRun::stop()
{
    m_end.stop();
    for (Entry& entry : m_entries)
        entry.run->stop();
}

Run* ComparisonRun::run(int index) const
{
    return index >= 0 && index < count() ? m_entries[size_t(index)].run.get() : nullptr;
}

QString ComparisonRun::patternId(int index) const
{
    return index >= 0 && index < count() ? m_entries[size_t(index)].patternId : QString();
}

const ParameterSet& ComparisonRun::parameters(int index) const
{
    static const ParameterSet none;
    return index >= 0 && index < count() ? m_entries[size_t(index)].parameters : none;
}

PatternFigures ComparisonRun::figures(int index) const
{
    const Run* r = run(index);
    return r ? figuresFor(patternId(index), *r->trace(), parameters(index)) : PatternFigures {};
}

void ComparisonRun::runFinished()
{
    if (++m_finished < count() || !m_running)
        return;
    m_running = false;
    m_end.stop();
    Q_EMIT finished();
}

} // namespace PatternScope
