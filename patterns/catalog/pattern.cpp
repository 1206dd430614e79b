// SPDX-License-Identifier: GPL-3.0-or-later
#include "pattern.h"

#include "linkemulator.h"

namespace PatternScope {

Pattern::Pattern(const PatternContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

Pattern::~Pattern() = default;

void Pattern::parameterChanged(const QString&, qint64) { }

bool Pattern::setParameter(const QString& name, qint64 value, QString* error)
{
    const ParameterSpec* spec = m_context.parameters.spec(name);
    if (spec && !spec->live) {
        if (error)
            *error = QStringLiteral("%1 cannot change while a run is going").arg(name);
        return false;
    }
    if (!m_context.parameters.set(name, value, error))
        return false;
    parameterChanged(name, value);
    return true;
}

quint16 Pattern::publicPort() const
{
    return m_outside ? m_outside->port() : 0;
}

QString Pattern::publicUrl() const
{
    return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(publicPort());
}

bool Pattern::openOutsideLink(int server, quint16 serverPort, QString* error, const QString& scheme)
{
    m_scheme = scheme;
    m_outside = m_context.links->addLink(-1, server, serverPort, m_context.servePort);
    if (!m_outside)
        *error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                     .arg(m_context.servePort)
                     .arg(m_context.links->errorString());
    return m_outside != nullptr;
}

QList<int> Pattern::addLifelines(const QString& name, Participant::Role role, int count)
{
    QList<int> ids;
    for (int i = 1; i <= count; ++i)
        ids.append(trace()->addParticipant(count == 1 ? name : QStringLiteral("%1 %2").arg(name).arg(i), role));
    return ids;
}

Link* Pattern::addClientLink(int client, int server, quint16 serverPort, QString* error)
{
    Link* link = m_context.links->addLink(client, server, serverPort);
    if (!link)
        *error = m_context.links->errorString();
    return link;
}

ParameterSpec latencyParameter()
{
    return ParameterSpec::number(QStringLiteral("latency"), QStringLiteral("one-way delay of the link, each direction"),
        ParameterSpec::Unit::Milliseconds, 250, 0, 10'000, true);
}

ParameterSpec jitterParameter()
{
    return ParameterSpec::number(QStringLiteral("jitter"),
        QStringLiteral("random extra or lesser delay per chunk, up to this much"), ParameterSpec::Unit::Milliseconds, 0,
        0, 5'000, true);
}

} // namespace PatternScope
