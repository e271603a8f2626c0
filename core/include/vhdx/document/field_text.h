#pragma once
// The text of a structure's field as every view shows it, so the tree, the header
// comparison and the header update dialog agree.
#include <string>

#include "vhdx/header.h"
#include "vhdx/schema/field.h"

namespace vhdx {

// A header field by its schema entry: "head" (or the bytes found), "0x1234abcd", "15",
// a GUID ("(zero)" for the null GUID), "1 MiB", "0x100000". Empty for reserved bytes or an
// unreadable header.
[[nodiscard]] std::string headerFieldText(const Header& h, const schema::Field& f);

[[nodiscard]] std::string guidText(const Guid& g); // "(zero)" for the null GUID

} // namespace vhdx
