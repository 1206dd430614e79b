// SPDX-License-Identifier: GPL-3.0-or-later
#include "joinpage.h"

#include <QFile>

namespace PatternScope::JoinPage {

namespace {

QByteArray resource(const QString& name)
{
    QFile file(QStringLiteral(":/join/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

QByteArray build(const PatternInfo& info)
{
    QByteArray script = resource(info.id + QStringLiteral(".js"));
    if (info.id.endsWith(QLatin1String("-polling")))
        script.prepend(resource(QStringLiteral("polling.js")));
    if (script.isEmpty())
        script = "function start() { status(\"This pattern has no join page.\"); }";
    QByteArray page = resource(QStringLiteral("join.html"));
    page.replace("{{TITLE}}", info.title.toHtmlEscaped().toUtf8());
    page.replace("{{ABOUT}}", info.description.toHtmlEscaped().toUtf8());
    page.replace("{{SCRIPT}}", script);
    return page;
}

} // namespace PatternScope::JoinPage
