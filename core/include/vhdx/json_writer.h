#pragma once
// A small streaming JSON writer (pretty-printed, 2-space indent) for the report.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vhdx {

class JsonWriter {
  public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int64_t v);
    JsonWriter& value(int v) { return value(int64_t(v)); }
    JsonWriter& value(unsigned v) { return value(uint64_t(v)); }
    JsonWriter& value(bool b);
    JsonWriter& null();
    template <class T> JsonWriter& field(std::string_view k, const T& v) { return key(k).value(v); }
    [[nodiscard]] const std::string& str() const { return m_out; }

  private:
    void beforeValue();
    void newline();
    std::string m_out;
    std::vector<bool> m_hasItems; // one level per open container
    bool m_afterKey = false;
};

[[nodiscard]] std::string jsonEscape(std::string_view s);

} // namespace vhdx
