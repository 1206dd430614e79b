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

QString Pattern::publicUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(publicPort());
}

Link* Pattern::addOutsideLink(int server, quint16 serverPort, QString* error)
{
    Link* link = m_context.links->addLink(-1, server, serverPort, m_context.servePort);
    if (!link)
        *error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                     .arg(m_context.servePort)
                     .arg(m_context.links->errorString());
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
