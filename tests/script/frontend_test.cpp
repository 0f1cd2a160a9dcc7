// The script frontend: tokens (with INDENT/DEDENT/NEWLINE), the parser's trees (precedence,
// statements, type comments) and the text of syntax errors, against PyTorch 1.13's wording.
#include <gtest/gtest.h>

#include "script/frontend/error_report.h"
#include "script/frontend/parser.h"

namespace ember {
namespace script {
namespace {

std::shared_ptr<Source> src(const std::string& text) { return std::make_shared<Source>(text); }

std::string tokens_of(const std::string& text) {
  Lexer lexer(src(text));
  std::string out;
  while (true) {
    Token t = lexer.next();
    out += out.empty() ? "" : " ";
    if (t.kind == TokenKind::Ident || t.kind == TokenKind::Number) out += t.text;
    else if (t.kind == TokenKind::String) out += "'" + t.text + "'";
    else out += token_name(t.kind);
    if (t.kind == TokenKind::Eof) return out;
  }
}

std::string expr(const std::string& text) { return dump(Parser(src(text)).parse_expression_only()); }

std::string module(const std::string& text) {
  std::string out;
  for (const StmtPtr& s : Parser(src(text)).parse_module()) out += dump(s);
  return out;
}

std::string error_of(const std::string& text) {
  try {
    Parser(src(text)).parse_module();
  } catch (const CompileError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Lexer, IndentationBecomesTokens) {
  EXPECT_EQ(tokens_of("def f(x):\n    if x:\n        return 1\n    return 2\n"),
            "def f ( x ) : newline indent if x : newline indent return 1 newline dedent return 2 newline dedent eof");
  // Blank lines, comments and bracketed line breaks do not end statements.
  EXPECT_EQ(tokens_of("a = (1,\n  2)  # pair\n\n# note\nb = 3\n"), "a = ( 1 , 2 ) newline b = 3 newline eof");
  // The first line sets the base indent.
  EXPECT_EQ(tokens_of("    def f():\n        pass\n"), "def f ( ) : newline indent pass newline dedent eof");
}

TEST(Lexer, OperatorsStringsAndNumbers) {
  EXPECT_EQ(tokens_of("x **= 2 // 3 >> 1 -> ... != <= not in is not"),
            "x **= 2 // 3 >> 1 -> ... != <= not in is not newline eof");
  EXPECT_EQ(tokens_of("s = 'a\\tb' \"c\" + r'\\n'"), "s = 'a\tbc' + '\\n' newline eof");
  EXPECT_EQ(tokens_of("1.5e-3 .5 0x1F 7"), "1.5e-3 .5 0x1F 7 newline eof");
  Lexer comment(src("x = []  # type: List[int]\n"));
  while (comment.cur().kind != TokenKind::TypeComment) comment.next();
  EXPECT_EQ(comment.cur().text, "List[int]");
}

TEST(Parser, ExpressionPrecedence) {
  EXPECT_EQ(expr("a + b * c ** -d ** e"), "(+ a (* b (** c (- (** d e)))))");
  EXPECT_EQ(expr("a if b else c"), "(if b a c)");
  EXPECT_EQ(expr("not a == b and c or d"), "(or (and (not (== a b)) c) d)");  // and/or: one level
  EXPECT_EQ(expr("x is not None"), "(is not x None)");
  EXPECT_EQ(expr("a not in b"), "(not in a b)");
  EXPECT_EQ(expr("a | b ^ c & d << 1"), "(| a (^ b (& c (<< d 1))))");
  EXPECT_EQ(expr("x.size(0)[1:2, ::2, ..., None]"), "(subscript (apply (. x size) 0) (slice 1 2 _) (slice _ _ 2) ... None)");
  EXPECT_EQ(expr("f(a, *b, c=1)"), "(apply f a (* b) (= c 1))");
  EXPECT_EQ(expr("[x * 2 for x in xs]"), "(listcomp (* x 2) x xs)");
  EXPECT_EQ(expr("{'a': 1, 'b': (2, 3.0)}"), "(dict (\"a\" 1) (\"b\" (tuple 2 3.)))");
  EXPECT_EQ(expr("()"), "(tuple)");
  EXPECT_EQ(expr("x @ w.t() - 1 // 2 % 3"), "(- (@ x (apply (. w t))) (% (// 1 2) 3))");
}

TEST(Parser, Statements) {
  EXPECT_EQ(module("import torch\nfrom typing import List\n"
                   "def f(x, n: int = 2) -> Tensor:\n"
                   "    y, z = x, x\n"
                   "    y += 1\n"
                   "    a: List[int] = []\n"
                   "    for i in range(n):\n"
                   "        if i % 2 == 0:\n"
                   "            continue\n"
                   "        elif i > 5: break\n"
                   "        else:\n"
                   "            pass\n"
                   "    while n > 0:\n"
                   "        n -= 1\n"
                   "    assert n == 0, 'zero'\n"
                   "    raise ValueError('bad')\n"
                   "    return y\n"),
            "(def f (params x n:int=2) (-> Tensor) (= (tuple y z) (tuple x x)) (+= y 1) (= a :(subscript List int) "
            "(list)) (for (i) (apply range n) (if (== (% i 2) 0) (then continue) (else (if (> i 5) (then break) "
            "(else pass))))) (while (> n 0) (-= n 1)) (assert (== n 0) \"zero\") (raise (apply ValueError \"bad\")) "
            "(return y))");
}

TEST(Parser, TypeCommentsAndClasses) {
  EXPECT_EQ(module("def f(x, y):\n    # type: (int, Tensor) -> Tensor\n    return y\n"),
            "(def f (params x y) (type int Tensor -> Tensor) (return y))");
  EXPECT_EQ(module("def f():\n    x = []  # type: List[int]\n    return x\n"),
            "(def f (params) (= x :(subscript List int) (list)) (return x))");
  EXPECT_EQ(module("class M(torch.jit.ScriptModule):\n"
                   "    def __init__(self):\n        super(M, self).__init__()\n"
                   "    @torch.jit.script_method\n    def forward(self, x):\n        return x\n"),
            "(class M (. (. torch jit) ScriptModule) (def __init__ (params self) (apply (. (apply super M self) __init__))) "
            "(def forward (params self x) (return x)))");
}

// The syntax errors PyTorch 1.13 reports (observed with torch.jit.CompilationUnit).
TEST(Parser, SyntaxErrorsReadLikePyTorch) {
  EXPECT_EQ(error_of("def f(x):\n  y = x +\n  return y\n"),
            "expected ident but found 'newline' here:\n  File \"<string>\", line 3\n"
            "def f(x):\n  y = x +\n  return y\n");
  EXPECT_EQ(error_of("def f(x):\n    if x:\n      y = 1\n     z = 2\n"),
            "invalid indent level 5:\n  File \"<string>\", line 4\n    if x:\n      y = 1\n     z = 2\n");
  EXPECT_EQ(error_of("def f(x) return x\n"),
            "expected : but found 'return' here:\n  File \"<string>\", line 1\ndef f(x) return x\n         ~~~~~~ <--- HERE\n");
  EXPECT_EQ(error_of("x = 1\n"),
            "expected a def, class or import statement at the top level but found 'ident' here:\n"
            "  File \"<string>\", line 1\nx = 1\n~ <--- HERE\n");
  EXPECT_EQ(error_of("def f(*args):\n  pass\n").substr(0, 68),
            "expected a parameter name (*args and **kwargs are not supported) but");
}

TEST(SourceRange, HighlightsEveryLineOfARange) {
  auto s = src("def f(x):\n    if x:\n        r = x\n    else:\n        r = 1\n    return r + 1\n");
  size_t start = s->text().find("if x");
  size_t end = s->text().find("r = 1") + 5;
  SourceRange r(s, start, end);
  EXPECT_EQ(r.highlight(),
            "  File \"<string>\", line 2\ndef f(x):\n    if x:\n    ~~~~~\n        r = x\n        ~~~~~\n"
            "    else:\n    ~~~~~\n        r = 1\n        ~~~~~ <--- HERE\n    return r + 1\n");
  auto loc = r.location();
  EXPECT_EQ(loc->line, 2u);
  EXPECT_EQ(loc->column, 4u);
  EXPECT_EQ(SourceRange(std::make_shared<Source>("a\nb", "m.py", 10), 2, 3).location()->line, 11u);
}

}  // namespace
}  // namespace script
}  // namespace ember
